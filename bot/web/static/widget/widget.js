/* plainhealth chat widget. Built into /widget/plainhealth-widget.js by the web app, after the socket.io
 * client (bot/web/widget.py), inside one function scope: it adds nothing to the host page's globals, lives in
 * a Shadow DOM so the page's CSS cannot reach it, and never puts text from the server into the page as HTML.
 * `io` is the socket.io client, given by the wrapper. */
var script = document.currentScript;
var data = (script && script.dataset) || {};
var config = {
  server: (data.server || "").replace(/\/+$/, ""),
  clinic: data.clinic || "your clinic",
  color: /^#[0-9a-fA-F]{6}$/.test(data.color || "") ? data.color : "#0b5cad",
  language: data.language || "en",
  greeting: data.greeting || "Hello! I can explain health words and help you get ready for a visit. " +
    "Type your question in your own words.",
  title: data.title || "Health questions"
};
if (!config.server && script && script.src) {
  var from = new URL(script.src);
  config.server = from.protocol + "//" + from.hostname + ":5005";
}
var storeKey = "plainhealth:" + config.server + ":" + config.clinic + ":";
var SIZES = [1, 1.25, 1.5];

function load(name, fallback) {
  try { var value = window.localStorage.getItem(storeKey + name); return value ? JSON.parse(value) : fallback; }
  catch (e) { return fallback; }
}
function save(name, value) {
  try { window.localStorage.setItem(storeKey + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
}

/* Text colour with enough contrast on the clinic's colour (WCAG AA). */
function luminance(hex) {
  var c = [1, 3, 5].map(function (i) {
    var v = parseInt(hex.substr(i, 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
var onColor = (1.05 / (luminance(config.color) + 0.05)) >= 4.5 ? "#ffffff" : "#111111";

/* The session is made and signed by the server (session_confirm); the widget only keeps it. `since` is the
 * server time of the last message shown, so what was sent while the page was away is sent again. */
var state = {
  session: load("session", null),
  since: load("since", null),
  history: load("history", []),
  size: load("size", 0),
  open: load("open", false),
  queue: [],
  socket: null
};

/* The DOM, inside a Shadow DOM --------------------------------------------------------------------------- */
var host = document.createElement("div");
host.setAttribute("data-plainhealth-widget", "");
var shadow = host.attachShadow({ mode: "open" });
var css = [
  ":host { all: initial; }",
  "* { box-sizing: border-box; }",
  ".root { position: fixed; right: 12px; bottom: 12px; z-index: 2147483000; font-family: system-ui, -apple-system,",
  "  'Segoe UI', Roboto, Arial, sans-serif; font-size: calc(20px * var(--size, 1)); line-height: 1.5; color: #111; }",
  "button { font: inherit; cursor: pointer; border-radius: 8px; min-height: 44px; padding: 0.3em 0.8em; }",
  ":focus-visible { outline: 3px solid #111; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }",
  ".launcher { background: VAR_COLOR; color: VAR_ON; border: 2px solid VAR_ON; font-weight: 700;",
  "  box-shadow: 0 2px 8px rgba(0,0,0,.35); }",
  ".panel { width: min(420px, calc(100vw - 24px)); height: min(640px, calc(100vh - 24px)); background: #fff;",
  "  border: 2px solid #111; border-radius: 12px; display: flex; flex-direction: column; overflow: hidden;",
  "  box-shadow: 0 4px 16px rgba(0,0,0,.35); }",
  ".panel[hidden], .launcher[hidden], [hidden] { display: none !important; }",
  "header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px; background: VAR_COLOR;",
  "  color: VAR_ON; }",
  "header h2 { font-size: .9em; margin: 0; flex: 1 1 8em; min-width: 0; overflow-wrap: anywhere; }",
  "header button { flex: none; background: transparent; color: VAR_ON; border: 2px solid VAR_ON; min-width: 44px; }",
  ".status { margin: 0; padding: 4px 10px; background: #fff4ce; color: #111; }",
  ".log { list-style: none; margin: 0; padding: 10px; overflow-y: auto; flex: 1; }",
  ".msg { margin: 0 0 10px; max-width: 92%; padding: 8px 10px; border-radius: 10px; overflow-wrap: anywhere; }",
  ".msg p { margin: 0; }",
  ".bot { background: #eef1f4; border: 1px solid #b9c0c8; }",
  ".staff { background: #fff; border: 2px solid #1e6b34; }",
  ".user { background: VAR_COLOR; color: VAR_ON; margin-left: auto; }",
  ".who { font-size: .8em; font-weight: 700; color: #333; margin: 0 0 2px; }",
  ".user .who { color: VAR_ON; }",
  ".pending { font-size: .8em; font-style: italic; }",
  ".msg a { color: #0b4a8b; text-decoration: underline; }",
  ".msg img { max-width: 100%; height: auto; display: block; margin-top: 6px; }",
  ".tools { margin-top: 4px; }",
  ".tools button, .choices button { background: #fff; color: #0b4a8b; border: 2px solid #0b4a8b; margin: 4px 4px 0 0; }",
  ".choices { margin-top: 6px; display: flex; flex-wrap: wrap; }",
  ".typing { margin: 0; padding: 0 12px 6px; color: #333; font-style: italic; }",
  ".person { padding: 0 10px 6px; }",
  ".person button { width: 100%; background: #fff; color: #1e6b34; border: 2px solid #1e6b34; font-weight: 700; }",
  "form { display: flex; gap: 6px; padding: 8px; border-top: 2px solid #111; }",
  "input { flex: 1; min-width: 0; font: inherit; padding: 6px 8px; border: 2px solid #111; border-radius: 8px; }",
  "form button { background: VAR_COLOR; color: VAR_ON; border: 2px solid #111; font-weight: 700; }",
  ".sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }"
].join("\n").replace(/VAR_COLOR/g, config.color).replace(/VAR_ON/g, onColor);
/* A constructed style sheet needs no 'unsafe-inline' in the host page's Content-Security-Policy. */
try {
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [sheet];
} catch (e) {
  var style = document.createElement("style");
  style.textContent = css;
  shadow.appendChild(style);
}

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

var root = el("div", "root");
root.setAttribute("lang", config.language);
var launcher = el("button", "launcher", "Chat with us");
launcher.type = "button";
launcher.setAttribute("aria-expanded", "false");
launcher.setAttribute("aria-controls", "plainhealth-panel");
var panel = el("section", "panel");
panel.id = "plainhealth-panel";
panel.setAttribute("role", "dialog");
panel.setAttribute("aria-label", "Chat with " + config.clinic);
panel.hidden = true;
var header = el("header");
header.appendChild(el("h2", "", config.title));
var bigger = el("button", "bigger", "A+");
bigger.type = "button";
bigger.setAttribute("aria-label", "Make the text larger");
var closeButton = el("button", "close", "Close");
closeButton.type = "button";
closeButton.setAttribute("aria-label", "Close the chat");
header.appendChild(bigger);
header.appendChild(closeButton);
var status = el("p", "status");
status.setAttribute("role", "status");
status.hidden = true;
var log = el("ol", "log");
log.setAttribute("aria-live", "polite");
log.setAttribute("aria-relevant", "additions");
log.setAttribute("aria-label", "Conversation");
var typing = el("p", "typing", "The assistant is writing...");
typing.hidden = true;
var person = el("div", "person");
var personButton = el("button", "", "Talk to a person");
personButton.type = "button";
person.appendChild(personButton);
var form = el("form");
var label = el("label", "sr", "Your message");
label.setAttribute("for", "plainhealth-input");
var input = el("input");
input.id = "plainhealth-input";
input.type = "text";
input.autocomplete = "off";
input.maxLength = 1000;
input.placeholder = "Type your message";
var send = el("button", "send", "Send");
send.type = "submit";
form.appendChild(label);
form.appendChild(input);
form.appendChild(send);
[header, status, log, typing, person, form].forEach(function (node) { panel.appendChild(node); });
root.appendChild(panel);
root.appendChild(launcher);
shadow.appendChild(root);

/* Safe Markdown: **bold**, _italic_ (whole words only, so snake_case stays as typed), [links](https://...)
 * and bare links; everything else is plain text. */
var INLINE = /\*\*([^*]+)\*\*|(?<![\w_])_([^_\s](?:[^_]*[^_\s])?)_(?![\w_])|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"')]+)/g;
function link(href, text) {
  var a = el("a", "", text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}
function renderText(container, text) {
  String(text).split("\n").forEach(function (line, index) {
    if (index > 0) { container.appendChild(document.createElement("br")); }
    var last = 0;
    line.replace(INLINE, function (match, bold, italic, linkText, linkHref, bare, offset) {
      container.appendChild(document.createTextNode(line.slice(last, offset)));
      if (bold) { container.appendChild(el("strong", "", bold)); }
      else if (italic) { container.appendChild(el("em", "", italic)); }
      else if (linkHref) { container.appendChild(link(linkHref, linkText)); }
      else { container.appendChild(link(bare, bare)); }
      last = offset + match.length;
      return match;
    });
    container.appendChild(document.createTextNode(line.slice(last)));
  });
}

function speak(text) {
  if (!window.speechSynthesis) { return; }
  window.speechSynthesis.cancel();
  var utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = config.language;
  window.speechSynthesis.speak(utterance);
}

function disableOldChoices() {
  var buttons = log.querySelectorAll(".choices button");
  Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
}

function draw(message, live) {
  var item = el("li", "msg " + message.from);
  var name = message.from === "user" ? "You" : message.from === "staff" ? message.name + ", clinic team" :
    "Assistant (computer)";
  item.appendChild(el("p", "who", name));
  var body = el("p", "text");
  renderText(body, message.text || "");
  item.appendChild(body);
  if (message.image && /^https?:\/\//.test(message.image)) {
    var img = el("img");
    img.src = message.image;
    img.alt = "Picture from the assistant";
    item.appendChild(img);
  }
  if (message.pending) { item.appendChild(el("p", "pending", "Waiting to send...")); }
  if (message.from !== "user" && message.text) {
    var tools = el("div", "tools");
    var read = el("button", "read", "Read aloud");
    read.type = "button";
    read.setAttribute("aria-label", "Read this message aloud");
    read.addEventListener("click", function () { speak(message.text); });
    tools.appendChild(read);
    item.appendChild(tools);
  }
  if (message.buttons && message.buttons.length) {
    disableOldChoices();
    var choices = el("div", "choices");
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-label", "Choices");
    message.buttons.forEach(function (choice) {
      var b = el("button", "", choice.title);
      b.type = "button";
      b.disabled = !live;
      b.addEventListener("click", function () { sendMessage(choice.payload, choice.title); });
      choices.appendChild(b);
    });
    item.appendChild(choices);
  }
  log.appendChild(item);
  log.scrollTop = log.scrollHeight;
  return item;
}

function remember(message) {
  state.history.push(message);
  state.history = state.history.slice(-100);
  save("history", state.history);
}

function add(message) {
  remember(message);
  return draw(message, true);
}

function fromServer(payload) {
  payload = payload || {};
  var text = typeof payload.text === "string" ? payload.text : "";
  var message = { from: "bot", text: text, at: Date.now() };
  if (typeof payload.sent_at === "number" && (state.since === null || payload.sent_at > state.since)) {
    state.since = payload.sent_at;
    save("since", state.since);
  }
  /* Only the server's mark says a person wrote this: never the words, which anyone could type. */
  var staff = payload.staff && typeof payload.staff.name === "string" ? payload.staff.name.slice(0, 80) : "";
  if (staff) {
    var prefix = staff + " (clinic team): ";
    message.from = "staff";
    message.name = staff;
    if (text.indexOf(prefix) === 0) { message.text = text.slice(prefix.length); }
  }
  var replies = payload.quick_replies || payload.buttons;
  if (Array.isArray(replies)) {
    message.buttons = replies.filter(function (r) { return r && r.title; }).map(function (r) {
      return { title: String(r.title), payload: String(r.payload || r.title) };
    });
  }
  var attachment = payload.attachment;
  if (attachment && attachment.type === "image" && attachment.payload) { message.image = String(attachment.payload.src || ""); }
  if (!message.text && !message.image && !(message.buttons || []).length) { return; }
  typing.hidden = true;
  add(message);
}

/* The connection ------------------------------------------------------------------------------------------ */
function setStatus(text) {
  status.textContent = text || "";
  status.hidden = !text;
}

function connect() {
  if (state.socket) { return; }
  // Long-polling only: Rasa 3.6's Sanic server breaks the websocket upgrade here ("Invalid frame header"),
  // and polling also passes through every proxy a clinic may have.
  var socket = io(config.server, { path: "/socket.io", transports: ["polling"], upgrade: false,
                                   reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
  state.socket = socket;
  socket.on("connect", function () {
    setStatus("");
    socket.emit("session_request", { session_id: state.session, since: state.since });
  });
  socket.on("session_confirm", function (token) {
    if (typeof token === "string" && token) { state.session = token; save("session", token); }
    var waiting = state.queue.splice(0);
    waiting.forEach(function (item) { socket.emit("user_uttered", item); });
    if (waiting.length) {
      state.history.forEach(function (m) { delete m.pending; });
      save("history", state.history);
      Array.prototype.forEach.call(log.querySelectorAll(".pending"), function (p) { p.remove(); });
    }
  });
  socket.on("bot_uttered", fromServer);
  socket.on("disconnect", function () { setStatus("The connection was lost. Trying again..."); });
  socket.on("connect_error", function () {
    setStatus("The chat can't connect right now. Trying again... In an emergency, call your local emergency number.");
  });
}

function sendMessage(payload, shown) {
  var text = String(payload || "").trim();
  if (!text) { return; }
  var item = { message: text };
  var connected = state.socket && state.socket.connected;
  add({ from: "user", text: shown || text, at: Date.now(), pending: !connected });
  typing.hidden = false;
  window.setTimeout(function () { typing.hidden = true; }, 20000);
  if (connected) { state.socket.emit("user_uttered", item); } else { state.queue.push(item); connect(); }
}

/* Opening, closing, sizes ----------------------------------------------------------------------------------- */
function applySize() { root.style.setProperty("--size", String(SIZES[state.size % SIZES.length])); }

function openPanel(focus) {
  panel.hidden = false;
  launcher.hidden = true;
  launcher.setAttribute("aria-expanded", "true");
  save("open", true);
  connect();
  if (!log.children.length) {
    if (!state.history.length) { add({ from: "bot", text: config.greeting, at: Date.now() }); }
    else { state.history.forEach(function (m, i) { draw(m, i === state.history.length - 1); }); }
  }
  if (focus) { input.focus(); }
}

function closePanel() {
  panel.hidden = true;
  launcher.hidden = false;
  launcher.setAttribute("aria-expanded", "false");
  save("open", false);
  launcher.focus();
}

launcher.addEventListener("click", function () { openPanel(true); });
closeButton.addEventListener("click", closePanel);
bigger.addEventListener("click", function () {
  state.size = (state.size + 1) % SIZES.length;
  save("size", state.size);
  applySize();
  bigger.setAttribute("aria-label", state.size === SIZES.length - 1 ? "Make the text smaller again" : "Make the text larger");
});
panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { closePanel(); } });
personButton.addEventListener("click", function () { sendMessage("/request_human", "Talk to a person"); });
form.addEventListener("submit", function (event) {
  event.preventDefault();
  var text = input.value;
  input.value = "";
  sendMessage(text);
  input.focus();
});

applySize();
function mount() {
  document.body.appendChild(host);
  if (state.open) { openPanel(false); }
}
if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
