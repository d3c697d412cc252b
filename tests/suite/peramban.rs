//! Real browsers for the preview's end-to-end tests: headless Chromium over the
//! DevTools protocol and headless Firefox over WebDriver BiDi, both from Debian's
//! packages (the tests fail, never skip, without them; `.ci/run` installs them).
//!
//! Input goes in as a person gives it: pointer presses at an element's centre, typed
//! text and key presses, never `element.click()`, so a button redrawn under the
//! pointer loses the click here as it would for a clerk.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::root;
use crate::preview::get;

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

/// A key a test presses.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Key {
    Enter,
    Tab,
    Backspace,
    /// Ctrl+Z: undo.
    CtrlZ,
}

/// What the tests do with a browser, whichever it is.
pub(crate) trait Browser {
    /// Evaluates JavaScript in the page and returns its value (as JSON).
    fn eval(&mut self, expression: &str) -> Value;

    /// Navigates to `url` and waits until the page has loaded.
    fn open(&mut self, url: &str);

    /// Presses and releases the primary button at viewport point (`x`, `y`).
    fn click_at(&mut self, x: f64, y: f64);

    /// Types `text` into the focused element, as a keyboard would.
    fn type_text(&mut self, text: &str);

    /// Presses and releases `key`.
    fn press(&mut self, key: Key);

    /// Saves what the page shows to tests/out/NAME.png.
    fn screenshot(&mut self, name: &str) -> PathBuf;

    /// Chooses `file` in the file input `selector`, as a person does in the file dialog
    /// the input opens (which a headless browser cannot show).
    fn choose_file(&mut self, selector: &str, file: &Path);

    /// Polls `expression` until it is true; returns how long that took.
    fn wait_for(&mut self, expression: &str, within: Duration) -> Duration {
        let t = Instant::now();
        while self.eval(expression) != Value::Bool(true) {
            if t.elapsed() > within {
                let state = self.eval(
                    "[location.href, document.readyState, document.body && document.body.dataset.tersambung, \
                      Array.from(document.images).map(i => i.complete + ':' + i.naturalWidth).join(',')].join(' | ')",
                );
                panic!("timed out waiting for: {expression}\npage state: {state}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        t.elapsed()
    }

    /// Clicks the element `selector` finds, at its centre, after scrolling it into view.
    fn click(&mut self, selector: &str) {
        let rect = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); if (!e) return null; \
              e.scrollIntoView({{block: 'center', inline: 'center'}}); \
              const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            sel = Value::String(selector.to_string())
        ));
        let (Some(x), Some(y)) = (rect[0].as_f64(), rect[1].as_f64()) else {
            panic!("nothing to click: {selector}");
        };
        self.click_at(x, y);
    }
}

/// Kills a browser process when dropped, also when a test panics while it starts.
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fresh, empty profile folder for one browser of one test.
fn profile(browser: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sopan-{browser}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn require(program: &str, package: &str) {
    assert!(
        Path::new(program).exists(),
        "{program} is missing: the browser tests need Debian's {package} \
         (`apt-get install {package}`; .ci/run installs it)"
    );
}

fn write_png(name: &str, base64_png: &str) -> PathBuf {
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(base64_png)
        .expect("base64");
    let out = root().join("tests/out");
    std::fs::create_dir_all(&out).unwrap();
    let path = out.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
    path
}

/// A headless Chromium driven over the DevTools protocol.
pub(crate) struct Chromium {
    child: Process,
    ws: Socket,
    next_id: u64,
    profile: PathBuf,
}

const CHROMIUM: &str = "/usr/bin/chromium";

impl Chromium {
    /// Starts Chromium with a 1400×1000 window.
    pub(crate) fn launch(name: &str) -> Self {
        Self::launch_sized(name, 1400, 1000)
    }

    /// Starts Chromium (Debian's package; the test fails without it) with a window of
    /// `width` × `height` CSS pixels.
    pub(crate) fn launch_sized(name: &str, width: u32, height: u32) -> Self {
        require(CHROMIUM, "chromium");
        let profile = profile("chromium", name);
        let child = std::process::Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(Process)
            .expect("start chromium");
        let port_file = profile.join("DevToolsActivePort");
        let t = Instant::now();
        let port: u16 = loop {
            if let Some(p) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.lines().next()?.trim().parse().ok())
            {
                break p;
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "chromium did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let devtools: SocketAddr = ([127, 0, 0, 1], port).into();
        let list: Value =
            serde_json::from_slice(&get(devtools, "/json/list").body).expect("target list");
        let ws_url = list
            .as_array()
            .and_then(|l| l.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target")
            .to_string();
        let (ws, _) = tungstenite::connect(ws_url).expect("devtools websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        }
        let mut chromium = Self {
            child,
            ws,
            next_id: 0,
            profile,
        };
        // Headless windows are at least 500 pixels wide; the page's own viewport can be
        // as narrow as a phone.
        chromium.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        );
        chromium
    }

    /// Calls a DevTools method and returns its result, skipping events in between.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.ws
            .send(tungstenite::Message::text(msg.to_string()))
            .expect("send to chromium");
        loop {
            let reply = self.ws.read().expect("read from chromium");
            let tungstenite::Message::Text(text) = reply else {
                continue;
            };
            let v: Value = serde_json::from_str(&text).expect("JSON from chromium");
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn key(&mut self, kind: &str, key: &str, code: u32, modifiers: u32, text: Option<&str>) {
        let mut params = json!({
            "type": kind, "key": key, "code": key,
            "windowsVirtualKeyCode": code, "modifiers": modifiers,
        });
        if let Some(t) = text {
            params["text"] = t.into();
        }
        self.call("Input.dispatchKeyEvent", params);
    }
}

impl Browser for Chromium {
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        r["result"]["value"].clone()
    }

    /// A navigation that Chromium dropped while still starting up is retried.
    fn open(&mut self, url: &str) {
        let arrived = format!(
            "location.href === {} && document.readyState === 'complete'",
            Value::String(url.to_string())
        );
        for _ in 0..3 {
            self.call("Page.navigate", json!({ "url": url }));
            let t = Instant::now();
            while t.elapsed() < Duration::from_secs(10) {
                if self.eval(&arrived) == Value::Bool(true) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("chromium did not open {url}");
    }

    fn click_at(&mut self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    fn choose_file(&mut self, selector: &str, file: &Path) {
        let doc = self.call("DOM.getDocument", json!({}));
        let node = self.call(
            "DOM.querySelector",
            json!({ "nodeId": doc["root"]["nodeId"], "selector": selector }),
        );
        assert_ne!(node["nodeId"], 0, "no file input {selector}");
        self.call(
            "DOM.setFileInputFiles",
            json!({ "files": [file], "nodeId": node["nodeId"] }),
        );
    }

    /// Key by key, as a keyboard sends them: each character its own key press and
    /// input event, with the page's answers to one arriving before the next.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let s = c.to_string();
            if c == '\n' {
                self.press(Key::Enter);
                continue;
            }
            self.key("keyDown", &s, 0, 0, Some(&s));
            self.key("keyUp", &s, 0, 0, None);
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
    }

    fn press(&mut self, key: Key) {
        let (name, code, modifiers, text) = match key {
            Key::Enter => ("Enter", 13, 0, Some("\r")),
            Key::Tab => ("Tab", 9, 0, None),
            Key::Backspace => ("Backspace", 8, 0, None),
            // Modifier 2 is Ctrl.
            Key::CtrlZ => ("z", 90, 2, None),
        };
        self.key("keyDown", name, code, modifiers, text);
        self.key("keyUp", name, code, modifiers, None);
    }

    fn screenshot(&mut self, name: &str) -> PathBuf {
        let r = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        write_png(name, r["data"].as_str().expect("screenshot data"))
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A headless Firefox driven over WebDriver BiDi.
pub(crate) struct Firefox {
    child: Process,
    ws: Socket,
    next_id: u64,
    context: String,
    profile: PathBuf,
}

const FIREFOX: &str = "/usr/bin/firefox-esr";

/// Preferences that keep a test's Firefox off the network it has no business with.
const FIREFOX_PREFS: &str = r#"
user_pref("app.update.auto", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("extensions.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("toolkit.telemetry.enabled", false);
"#;

impl Firefox {
    /// Starts Firefox ESR (Debian's package; the test fails without it).
    pub(crate) fn launch(name: &str) -> Self {
        use std::io::{BufRead, BufReader};
        require(FIREFOX, "firefox-esr");
        let profile = profile("firefox", name);
        std::fs::write(profile.join("user.js"), FIREFOX_PREFS).unwrap();
        let mut child = std::process::Command::new(FIREFOX)
            .args([
                "--headless",
                "--no-remote",
                "--remote-debugging-port=0",
                "--width=1400",
                "--height=1000",
                "--profile",
            ])
            .arg(&profile)
            .arg("about:blank")
            .env("MOZ_CRASHREPORTER_DISABLE", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start firefox");
        // Firefox names its WebDriver BiDi address on standard error.
        let stderr = child.stderr.take().expect("firefox stderr");
        let child = Process(child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("firefox did not start WebDriver BiDi");
        let (ws, _) = tungstenite::connect(format!("{url}/session")).expect("bidi websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        }
        let mut firefox = Self {
            child,
            ws,
            next_id: 0,
            context: String::new(),
            profile,
        };
        firefox.call("session.new", json!({ "capabilities": {} }));
        let tree = firefox.call("browsingContext.getTree", json!({}));
        firefox.context = tree["contexts"][0]["context"]
            .as_str()
            .expect("a browsing context")
            .to_string();
        firefox
    }

    /// Calls a BiDi command and returns its result, skipping events in between.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.ws
            .send(tungstenite::Message::text(msg.to_string()))
            .expect("send to firefox");
        loop {
            let reply = self.ws.read().expect("read from firefox");
            let tungstenite::Message::Text(text) = reply else {
                continue;
            };
            let v: Value = serde_json::from_str(&text).expect("JSON from firefox");
            if v["id"] == id {
                assert_eq!(v["type"], "success", "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn actions(&mut self, source: Value) {
        let context = self.context.clone();
        self.call(
            "input.performActions",
            json!({ "context": context, "actions": [source] }),
        );
    }
}

impl Browser for Firefox {
    /// The value crosses as JSON text, so it arrives as it would from Chromium.
    fn eval(&mut self, expression: &str) -> Value {
        let context = self.context.clone();
        let r = self.call(
            "script.evaluate",
            json!({
                "expression": format!("Promise.resolve(({expression})).then(v => JSON.stringify(v === undefined ? null : v))"),
                "target": { "context": context },
                "awaitPromise": true,
            }),
        );
        match r["result"]["value"].as_str() {
            Some(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            None => panic!("evaluation failed: {r}"),
        }
    }

    fn choose_file(&mut self, selector: &str, file: &Path) {
        let context = self.context.clone();
        let found = self.call(
            "browsingContext.locateNodes",
            json!({ "context": context, "locator": { "type": "css", "value": selector } }),
        );
        let node = found["nodes"][0]["sharedId"].clone();
        assert!(node.is_string(), "no file input {selector}: {found}");
        self.call(
            "input.setFiles",
            json!({ "context": context, "element": { "sharedId": node }, "files": [file] }),
        );
    }

    fn open(&mut self, url: &str) {
        let context = self.context.clone();
        self.call(
            "browsingContext.navigate",
            json!({ "context": context, "url": url, "wait": "complete" }),
        );
    }

    fn click_at(&mut self, x: f64, y: f64) {
        self.actions(json!({
            "type": "pointer", "id": "maus",
            "parameters": { "pointerType": "mouse" },
            "actions": [
                { "type": "pointerMove", "x": x.round() as i64, "y": y.round() as i64, "origin": "viewport" },
                { "type": "pointerDown", "button": 0 },
                { "type": "pointerUp", "button": 0 },
            ],
        }));
    }

    fn type_text(&mut self, text: &str) {
        let mut keys = Vec::new();
        for c in text.chars() {
            keys.push(json!({ "type": "keyDown", "value": c.to_string() }));
            keys.push(json!({ "type": "keyUp", "value": c.to_string() }));
        }
        self.actions(json!({ "type": "key", "id": "papan", "actions": keys }));
    }

    fn press(&mut self, key: Key) {
        const CONTROL: &str = "\u{E009}";
        let (value, ctrl) = match key {
            Key::Enter => ("\u{E007}", false),
            Key::Tab => ("\u{E004}", false),
            Key::Backspace => ("\u{E003}", false),
            Key::CtrlZ => ("z", true),
        };
        let mut keys = Vec::new();
        if ctrl {
            keys.push(json!({ "type": "keyDown", "value": CONTROL }));
        }
        keys.push(json!({ "type": "keyDown", "value": value }));
        keys.push(json!({ "type": "keyUp", "value": value }));
        if ctrl {
            keys.push(json!({ "type": "keyUp", "value": CONTROL }));
        }
        self.actions(json!({ "type": "key", "id": "papan", "actions": keys }));
    }

    fn screenshot(&mut self, name: &str) -> PathBuf {
        let context = self.context.clone();
        let r = self.call(
            "browsingContext.captureScreenshot",
            json!({ "context": context }),
        );
        write_png(name, r["data"].as_str().expect("screenshot data"))
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
