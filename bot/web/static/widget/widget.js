/* plainhealth chat widget. Built into /widget/plainhealth-widget.js by the web app, after the socket.io
 * client (bot/web/widget.py), inside one function scope: it adds nothing to the host page's globals, lives in
 * a Shadow DOM so the page's CSS cannot reach it, and never puts text from the server into the page as HTML.
 * `io` is the socket.io client, given by the wrapper. */
var script = document.currentScript;
var data = (script && script.dataset) || {};

/* The widget's own words, by data-language. Replies come from the server as they are. */
var LABELS = {
  en: {
    launcher: "Chat with us",
    dialog: "Chat with {clinic}",
    title: "Health questions",
    greeting: "Hello! I can explain health words and help you get ready for a visit. " +
      "Type your question in your own words.",
    startOver: "Start over",
    startOverName: "Start over: clear this chat from the screen and this browser",
    bigger: "Bigger text",
    normal: "Normal text",
    close: "Close",
    closeName: "Close the chat",
    log: "Conversation",
    typing: "The assistant is writing...",
    person: "Talk to a person",
    waiting: "Waiting for a person from {clinic}. You can keep writing here.",
    cancel: "Cancel",
    cancelName: "Cancel: I don't need a person now",
    withPerson: "A person from {clinic} has this chat.",
    input: "Your message",
    placeholder: "Type your message",
    send: "Send",
    you: "You",
    assistant: "Assistant (computer)",
    staff: "{name}, clinic team",
    picture: "Picture from the assistant",
    pending: "Waiting to send...",
    choices: "Choices",
    chosen: "(chosen)",
    read: "Read aloud",
    stopReading: "Stop reading",
    noVoice: "Sorry, this browser can't read aloud. Your phone or computer may have a screen reader that can.",
    aLink: "a link",
    print: "Open my printable list",
    lost: "The connection was lost. Trying again...",
    offline: "You are offline. What you write will be sent when you are back online.",
    trying: "The chat can't connect right now. Trying again... In an emergency, call your local emergency number.",
    gaveUp: "The chat can't connect, so it stopped trying. Please try again later. " +
      "In an emergency, call your local emergency number.",
    phone: "To talk with {clinic}, call {phone}."
  },
  es: {
    launcher: "Chatee con nosotros",
    dialog: "Chat con {clinic}",
    title: "Preguntas de salud",
    greeting: "¡Hola! Puedo explicarle palabras de salud y ayudarle a prepararse para una cita. " +
      "Escriba su pregunta con sus propias palabras.",
    startOver: "Empezar de nuevo",
    startOverName: "Empezar de nuevo: borrar este chat de la pantalla y de este navegador",
    bigger: "Letra más grande",
    normal: "Letra normal",
    close: "Cerrar",
    closeName: "Cerrar el chat",
    log: "Conversación",
    typing: "El asistente está escribiendo...",
    person: "Hablar con una persona",
    waiting: "Esperando a una persona de {clinic}. Puede seguir escribiendo aquí.",
    cancel: "Cancelar",
    cancelName: "Cancelar: ya no necesito a una persona",
    withPerson: "Una persona de {clinic} está en este chat.",
    input: "Su mensaje",
    placeholder: "Escriba su mensaje",
    send: "Enviar",
    you: "Usted",
    assistant: "Asistente (computadora)",
    staff: "{name}, equipo de la clínica",
    picture: "Imagen del asistente",
    pending: "Esperando para enviar...",
    choices: "Opciones",
    chosen: "(elegido)",
    read: "Leer en voz alta",
    stopReading: "Dejar de leer",
    noVoice: "Lo siento, este navegador no puede leer en voz alta. Su teléfono o computadora puede tener un " +
      "lector de pantalla que sí puede.",
    aLink: "un enlace",
    print: "Abrir mi lista para imprimir",
    lost: "Se perdió la conexión. Intentando de nuevo...",
    offline: "No tiene conexión a internet. Lo que escriba se enviará cuando vuelva la conexión.",
    trying: "El chat no puede conectarse ahora. Intentando de nuevo... En una emergencia, llame a su número " +
      "local de emergencias.",
    gaveUp: "El chat no puede conectarse y dejó de intentarlo. Inténtelo más tarde. En una emergencia, llame " +
      "a su número local de emergencias.",
    phone: "Para hablar con {clinic}, llame al {phone}."
  }
};
var language = String(data.language || "en");
var L = LABELS[language.toLowerCase().split("-")[0]] || LABELS.en;
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, function (match, key) { return key in values ? values[key] : match; });
}

var config = {
  server: (data.server || "").replace(/\/+$/, ""),
  clinic: data.clinic || (L === LABELS.es ? "su clínica" : "your clinic"),
  color: /^#[0-9a-fA-F]{6}$/.test(data.color || "") ? data.color : "#0b5cad",
  language: language,
  greeting: data.greeting || L.greeting,
  title: data.title || L.title,
  /* The clinic's phone, given when the chat can't connect at all. */
  phone: (data.phone || "").slice(0, 40),
  /* How long this browser keeps the chat: "session" (until the browser is closed; the default, safe on a
   * shared computer), "day" (24 hours) or "off" (nothing is kept: a reload starts over). */
  remember: ["session", "day", "off"].indexOf(data.remember) >= 0 ? data.remember : "session"
};
if (!config.server && script && script.src) {
  var from = new URL(script.src);
  config.server = from.protocol + "//" + from.hostname + ":5005";
}
var storeKey = "plainhealth:" + config.server + ":" + config.clinic + ":";
var SIZES = [1, 1.25, 1.5];

var DAY_MS = 24 * 60 * 60 * 1000;
var memory = {};
function store() {
  try {
    if (config.remember === "session") { return window.sessionStorage; }
    if (config.remember === "day") { return window.localStorage; }
  } catch (e) { /* storage blocked: keep it in memory */ }
  return null;
}
function load(name, fallback) {
  var where = store();
  if (!where) { return name in memory ? memory[name] : fallback; }
  try {
    var raw = where.getItem(storeKey + name);
    if (!raw) { return fallback; }
    var item = JSON.parse(raw);
    if (config.remember === "day" && (!item || typeof item.at !== "number" || Date.now() - item.at > DAY_MS)) {
      where.removeItem(storeKey + name);
      return fallback;
    }
    return config.remember === "day" ? item.value : item;
  } catch (e) { return fallback; }
}
function save(name, value) {
  var where = store();
  if (!where) { memory[name] = value; return; }
  try {
    where.setItem(storeKey + name, JSON.stringify(config.remember === "day" ? { at: Date.now(), value: value } : value));
  } catch (e) { /* private mode */ }
}
function forgetAll() {
  memory = {};
  ["session", "since", "history", "open", "handoff"].forEach(function (name) {
    try { window.sessionStorage.removeItem(storeKey + name); } catch (e) { /* blocked */ }
    try { window.localStorage.removeItem(storeKey + name); } catch (e) { /* blocked */ }
  });
}
/* Older versions kept everything in localStorage forever: a shared computer must not keep it. */
if (config.remember !== "day") {
  try {
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf(storeKey) === 0 && !/:size$/.test(key)) { window.localStorage.removeItem(key); }
    });
  } catch (e) { /* blocked */ }
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
 * server time of the last message shown, so what was sent while the page was away is sent again. `handoff`
 * is "waiting" (for a person) or "person" (a person has the chat), read from the server's replies. */
var state = {
  session: load("session", null),
  since: load("since", null),
  history: load("history", []),
  size: load("size", 0),
  open: load("open", false),
  handoff: load("handoff", null),
  queue: [],
  socket: null,
  failures: 0,
  gaveUp: false,
  focusReply: null,   /* after a quick reply, the focus goes to the reply when it comes */
  turnStart: null,    /* the first message of the reply being shown */
  lastBotAt: 0
};
if (["waiting", "person"].indexOf(state.handoff) < 0) { state.handoff = null; }

/* The server's replies that start and end a hand-off (domain.yml: utter_handoff_how_to_leave,
 * utter_handoff_leave_message, utter_emergency_team_told; utter_handoff_cancelled, _left_urgent, _back). */
var HANDOFF_WAITING = [/To go back to me, say "stop"/i, /You can leave a message here now/i,
  /They will read what you write here/i];
var HANDOFF_OVER = /You are back with me/i;
var MAX_FAILURES = 10;

/* The DOM, inside a Shadow DOM of our own element (a site's `div { ... }` rules don't match it) ------------ */
var host = document.createElement("plainhealth-chat");
host.setAttribute("data-plainhealth-widget", "");
var shadow = host.attachShadow({ mode: "open" });
var css = [
  ":host { all: initial; display: contents; }",
  "* { box-sizing: border-box; }",
  ".root { position: fixed; right: 12px; bottom: 12px; z-index: 2147483000; font-family: system-ui, -apple-system,",
  "  'Segoe UI', Roboto, Arial, sans-serif; font-size: calc(20px * var(--size, 1)); line-height: 1.5; color: #111; }",
  "button { font: inherit; cursor: pointer; border-radius: 8px; min-height: 44px; padding: 0.3em 0.8em; }",
  ":focus-visible { outline: 3px solid #111; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }",
  ".launcher { background: VAR_COLOR; color: VAR_ON; border: 2px solid VAR_ON; font-weight: 700;",
  "  box-shadow: 0 2px 8px rgba(0,0,0,.35); }",
  /* The panel grows with the text, as far as the screen allows. */
  ".panel { width: min(calc(420px * var(--size, 1)), calc(100vw - 24px));",
  "  height: min(calc(640px * var(--size, 1)), calc(100vh - 24px)); background: #fff;",
  "  border: 2px solid #111; border-radius: 12px; display: flex; flex-direction: column; overflow: hidden;",
  "  box-shadow: 0 4px 16px rgba(0,0,0,.35); }",
  "@media (max-width: 480px) {",
  "  .panel { position: fixed; inset: 0; width: 100vw; height: 100vh; height: 100dvh; border: 0; border-radius: 0;",
  "    box-shadow: none; }",
  "}",
  ".panel[hidden], .launcher[hidden], [hidden] { display: none !important; }",
  ".head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px; background: VAR_COLOR;",
  "  color: VAR_ON; }",
  ".head h2 { font-size: .9em; margin: 0; flex: 1 1 8em; min-width: 0; overflow-wrap: anywhere; }",
  ".head button { flex: none; background: transparent; color: VAR_ON; border: 2px solid VAR_ON; min-width: 44px; }",
  ".status { margin: 0; padding: 4px 10px; background: #fff4ce; color: #111; }",
  ".log { list-style: none; margin: 0; padding: 10px; overflow-y: auto; flex: 1; min-height: 0; }",
  ".msg { margin: 0 0 10px; max-width: 92%; padding: 8px 10px; border-radius: 10px; overflow-wrap: anywhere; }",
  ".msg p { margin: 0; }",
  ".bot { background: #eef1f4; border: 1px solid #b9c0c8; }",
  ".staff { background: #fff; border: 2px solid #1e6b34; }",
  ".user { background: VAR_COLOR; color: VAR_ON; margin-left: auto; }",
  ".who { font-size: .8em; font-weight: 700; color: #333; margin: 0 0 2px; }",
  ".user .who { color: VAR_ON; }",
  ".pending { font-size: .8em; font-style: italic; }",
  ".msg a { color: #0b4a8b; text-decoration: underline; }",
  ".msg a.print { display: inline-block; margin: 6px 0 2px; padding: 0.3em 0.8em; min-height: 44px;",
  "  background: VAR_COLOR; color: VAR_ON; border: 2px solid #111; border-radius: 8px; font-weight: 700;",
  "  text-decoration: none; }",
  ".msg img { max-width: 100%; height: auto; display: block; margin-top: 6px; }",
  ".tools { margin-top: 4px; }",
  ".tools button, .choices button { background: #fff; color: #0b4a8b; border: 2px solid #0b4a8b; margin: 4px 4px 0 0; }",
  ".note { margin: 4px 0 0; font-size: .85em; font-style: italic; }",
  ".choices { margin-top: 6px; display: flex; flex-wrap: wrap; }",
  /* A choice that no longer works looks it: grey, dashed, not a button to press. The one pressed is ticked. */
  ".choices button.used { background: #eceff1; color: #454d55; border: 2px dashed #6b737b; cursor: default;",
  "  font-weight: 400; }",
  ".choices button.used.chosen { background: #fff; color: #111; border: 2px solid #454d55; }",
  ".choices button.used.chosen::before { content: '\\2713  '; }",
  ".typing { margin: 0; padding: 0 12px 6px; color: #333; font-style: italic; }",
  ".person { padding: 0 10px 6px; }",
  ".person > button { width: 100%; background: #fff; color: #1e6b34; border: 2px solid #1e6b34; font-weight: 700; }",
  ".person p { margin: 0 0 4px; }",
  ".waiting { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px; background: #eaf5ec;",
  "  border: 2px solid #1e6b34; border-radius: 8px; }",
  ".waiting p { flex: 1 1 10em; margin: 0; }",
  ".waiting button { background: #fff; color: #111; border: 2px solid #111; }",
  "form { display: flex; flex-wrap: wrap; gap: 6px; padding: 8px; border-top: 2px solid #111; }",
  "input { flex: 1 1 10em; min-width: 0; font: inherit; padding: 6px 8px; border: 2px solid #111; border-radius: 8px; }",
  "input::placeholder { color: #595959; }",
  "form button { flex: 1 0 auto; max-width: 100%; background: VAR_COLOR; color: VAR_ON; border: 2px solid #111;",
  "  font-weight: 700; }",
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
/* A button whose accessible name starts with its visible words (WCAG 2.5.3). */
function button(className, text, name) {
  var b = el("button", className, text);
  b.type = "button";
  if (name) { b.setAttribute("aria-label", name); }
  return b;
}

var root = el("div", "root");
root.setAttribute("lang", config.language);
var launcher = button("launcher", L.launcher);
launcher.setAttribute("aria-expanded", "false");
launcher.setAttribute("aria-controls", "plainhealth-panel");
var panel = el("section", "panel");
panel.id = "plainhealth-panel";
panel.setAttribute("role", "dialog");
panel.setAttribute("aria-label", fill(L.dialog, { clinic: config.clinic }));
panel.hidden = true;
/* A plain div with a heading: a `header` here would be a second banner landmark on the clinic's page. */
var header = el("div", "head");
header.appendChild(el("h2", "", config.title));
var restart = button("restart", L.startOver, L.startOverName);
var bigger = button("bigger", L.bigger);
var closeButton = button("close", L.close, L.closeName);
header.appendChild(restart);
header.appendChild(bigger);
header.appendChild(closeButton);
var status = el("p", "status");
status.setAttribute("role", "status");
status.hidden = true;
var log = el("ol", "log");
log.setAttribute("aria-live", "polite");
log.setAttribute("aria-relevant", "additions");
log.setAttribute("aria-label", L.log);
var typing = el("p", "typing", L.typing);
typing.hidden = true;
var person = el("div", "person");
var personButton = button("", L.person);
var waiting = el("div", "waiting");
var waitingText = el("p", "", fill(L.waiting, { clinic: config.clinic }));
var cancelButton = button("cancel", L.cancel, L.cancelName);
waiting.appendChild(waitingText);
waiting.appendChild(cancelButton);
var withPerson = el("p", "with-person", fill(L.withPerson, { clinic: config.clinic }));
person.appendChild(personButton);
person.appendChild(waiting);
person.appendChild(withPerson);
var form = el("form");
var label = el("label", "sr", L.input);
label.setAttribute("for", "plainhealth-input");
var input = el("input");
input.id = "plainhealth-input";
input.type = "text";
input.autocomplete = "off";
input.maxLength = 1000;
input.placeholder = L.placeholder;
var send = el("button", "send", L.send);
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
function isPrintLink(href) {
  try { return /^\/print\/[^/]+$/.test(new URL(href).pathname); } catch (e) { return false; }
}
function link(href, text) {
  /* The printable list's private link is long and means nothing to read: a labelled button instead. */
  var print = isPrintLink(href);
  var a = el("a", print ? "print" : "", print ? L.print : text);
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

/* Reading aloud --------------------------------------------------------------------------------------------- */
/* What is read: the words, without Markdown's marks; a link is "a link", never its address. */
function spoken(text) {
  return String(text).replace(INLINE, function (match, bold, italic, linkText, linkHref) {
    if (bold) { return bold; }
    if (italic) { return italic; }
    if (linkHref && !isPrintLink(linkHref)) { return linkText + " (" + L.aLink + ")"; }
    return L.aLink;
  }).replace(/\*\*|__|`/g, "").replace(/^#+\s*/gm, "").replace(/\n+/g, "\n");
}

var reading = null;  /* the "Read aloud" button of the message being read */
function readingDone() {
  if (reading) { reading.textContent = L.read; reading = null; }
}
function stopReading() {
  readingDone();
  try { if (window.speechSynthesis) { window.speechSynthesis.cancel(); } } catch (e) { /* nothing to stop */ }
}
function noVoice(tools) {
  readingDone();
  if (tools.querySelector(".note")) { return; }
  tools.appendChild(el("p", "note", L.noVoice));
}
function readAloud(text, readButton, tools) {
  if (reading === readButton) { stopReading(); return; }
  stopReading();
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { noVoice(tools); return; }
  var utterance = new window.SpeechSynthesisUtterance(spoken(text));
  var started = false;
  utterance.lang = config.language;
  utterance.onstart = function () { started = true; };
  utterance.onend = function () { if (reading === readButton) { readingDone(); } };
  utterance.onerror = function (event) {
    if (reading !== readButton) { return; }
    if (event && (event.error === "interrupted" || event.error === "canceled")) { readingDone(); }
    else { noVoice(tools); }
  };
  reading = readButton;
  readButton.textContent = L.stopReading;
  try { synth.speak(utterance); } catch (e) { noVoice(tools); return; }
  /* A browser with the API but no voice at all neither starts nor fails: say so rather than nothing. */
  window.setTimeout(function () {
    var voices = [];
    try { voices = synth.getVoices() || []; } catch (e) { /* none */ }
    if (reading === readButton && !started && !synth.speaking && !voices.length) { noVoice(tools); }
  }, 2500);
}

/* Quick replies: only those of the latest reply work (the server takes them from its latest turn) -------- */
function retireChoices() {
  Array.prototype.forEach.call(log.querySelectorAll(".choices button:not(.used)"), usedLook);
  updatePerson();
}
function usedLook(b) {
  b.disabled = true;
  b.setAttribute("aria-disabled", "true");
  b.classList.add("used");
}
function liveChoices() {
  return Array.prototype.filter.call(log.querySelectorAll(".choices button"), function (b) { return !b.disabled; });
}

/* Scrolling: a new reply shows from its first line (a lesson part's heading), not from its end. */
function offsetInLog(item) {
  return item.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
}
function scrollToNew() {
  if (panel.hidden) { return; }
  var end = log.scrollHeight - log.clientHeight;
  var start = state.turnStart && state.turnStart.isConnected ? offsetInLog(state.turnStart) - 8 : end;
  log.scrollTop = Math.max(0, Math.min(start, end));
}
function placeInTurn(item, message) {
  if (message.from === "user") { state.turnStart = null; return; }
  var at = message.at || 0;
  /* A reply is the run of messages after the patient's last one; one that comes much later (a person's
   * message, a reminder) starts a new run. */
  if (!state.turnStart || at - state.lastBotAt > 5000) { state.turnStart = item; }
  state.lastBotAt = at;
}

function draw(message, live) {
  var item = el("li", "msg " + message.from);
  var name = message.from === "user" ? L.you : message.from === "staff" ? fill(L.staff, { name: message.name }) :
    L.assistant;
  item.appendChild(el("p", "who", name));
  var body = el("p", "text");
  renderText(body, message.text || "");
  item.appendChild(body);
  if (message.image && /^https?:\/\//.test(message.image)) {
    var img = el("img");
    img.src = message.image;
    img.alt = L.picture;
    item.appendChild(img);
  }
  if (message.pending) { item.appendChild(el("p", "pending", L.pending)); }
  if (message.from !== "user" && message.text) {
    var tools = el("div", "tools");
    var read = button("read", L.read);
    read.addEventListener("click", function () { readAloud(message.text, read, tools); });
    tools.appendChild(read);
    item.appendChild(tools);
  }
  if (message.buttons && message.buttons.length) {
    var choices = el("div", "choices");
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-label", L.choices);
    message.buttons.forEach(function (choice) {
      var b = button("", choice.title);
      b.plainhealthPayload = choice.payload;
      if (message.chosen === choice.title) {
        b.classList.add("chosen");
        b.appendChild(el("span", "sr", " " + L.chosen));
      }
      if (!live) { usedLook(b); }
      b.addEventListener("click", function () {
        if (b.disabled) { return; }
        var focused = shadow.activeElement === b;
        if (choice.payload === "/request_human" && !state.handoff) { setHandoff("asked"); }
        message.chosen = choice.title;
        save("history", state.history);
        b.classList.add("chosen");
        b.appendChild(el("span", "sr", " " + L.chosen));
        var mine = sendMessage(choice.payload, choice.title);
        /* The pressed button is now used: the focus would fall to the page. It waits on the patient's own
         * message, and moves to the reply when it comes. */
        if (focused && mine) {
          mine.tabIndex = -1;
          mine.focus({ preventScroll: true });
          state.focusReply = mine;
        }
      });
      choices.appendChild(b);
    });
    item.appendChild(choices);
  }
  log.appendChild(item);
  placeInTurn(item, message);
  scrollToNew();
  return item;
}

function remember(message) {
  state.history.push(message);
  state.history = state.history.slice(-100);
  save("history", state.history);
}

function add(message) {
  remember(message);
  var item = draw(message, true);
  updatePerson();
  return item;
}

/* The typing note: only while a message that was really sent waits for its reply, never in a hand-off. */
var typingTimer = null;
function showTyping() {
  if (state.handoff) { return; }
  typing.hidden = false;
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(hideTyping, 20000);
}
function hideTyping() {
  typing.hidden = true;
  window.clearTimeout(typingTimer);
}

/* Talking to a person ------------------------------------------------------------------------------------ */
var askedTimer = null;
function setHandoff(value) {
  state.handoff = value;
  window.clearTimeout(askedTimer);
  /* Asked for a person: no second request until the reply says what happens (or it never comes). */
  if (value === "asked") { askedTimer = window.setTimeout(function () { setHandoff(null); }, 10000); }
  save("handoff", value === "waiting" || value === "person" ? value : null);
  if (value) { hideTyping(); }
  updatePerson();
}
function handoffFrom(message, staff) {
  var text = message.text || "";
  if (staff) { setHandoff("person"); }
  else if (HANDOFF_OVER.test(text)) { setHandoff(null); }
  else if (HANDOFF_WAITING.some(function (re) { return re.test(text); })) {
    if (state.handoff !== "person") { setHandoff("waiting"); }
  }
}
function updatePerson() {
  var h = state.handoff;
  /* A quick reply that asks for a person is already on the screen: one such button is enough. */
  var offered = liveChoices().some(function (b) { return b.plainhealthPayload === "/request_human"; });
  personButton.hidden = !!h || offered;
  waiting.hidden = h !== "waiting";
  withPerson.hidden = h !== "person";
  person.hidden = personButton.hidden && waiting.hidden && withPerson.hidden;
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
  if (payload.start_over === true) { state.startOverAfter = true; }
  var attachment = payload.attachment;
  if (attachment && attachment.type === "image" && attachment.payload) { message.image = String(attachment.payload.src || ""); }
  if (!message.text && !message.image && !(message.buttons || []).length) { return; }
  hideTyping();
  var item = add(message);
  handoffFrom(message, staff);
  /* After a quick reply, the focus goes to the reply (if the patient has not moved it meanwhile). */
  var waitingOn = state.focusReply;
  if (waitingOn && state.turnStart === item) {
    state.focusReply = null;
    var active = shadow.activeElement;
    if (active === waitingOn || (active === null && document.activeElement === document.body)) {
      item.tabIndex = -1;
      item.focus({ preventScroll: true });
    }
  }
  if (state.startOverAfter) {  /* the patient's data was deleted: this browser forgets the chat too */
    state.startOverAfter = false;
    startOver(false);
  }
}

/* A new conversation: the socket closed, nothing kept in this browser; with clearScreen, an empty chat. */
function startOver(clearScreen) {
  var socket = state.socket;
  state.socket = null;
  if (socket) { socket.disconnect(); }
  forgetAll();
  state.session = null;
  state.since = null;
  state.history = [];
  state.queue = [];
  state.turnStart = null;
  state.focusReply = null;
  setStatus("");
  hideTyping();
  setHandoff(null);
  stopReading();
  if (clearScreen) {
    while (log.firstChild) { log.removeChild(log.firstChild); }
    add({ from: "bot", text: config.greeting, at: Date.now() });
    save("open", true);
  }
}

/* The connection ------------------------------------------------------------------------------------------ */
function setStatus(text) {
  status.textContent = text || "";
  status.hidden = !text;
}

var warned = false;
function warnSiteOwner() {
  if (warned) { return; }
  warned = true;
  var origin = window.location.origin;
  /* For whoever puts the chat on a site: the usual reason is a site the chat server does not list. */
  window.console.warn("plainhealth chat: this page (" + origin + ") can't connect to the chat server at " +
    config.server + ". If this site is new, add \"" + origin + "\" to allowed_origins in content/clinic.yml " +
    "on the chat server (or to PLAINHEALTH_ALLOWED_ORIGINS), then restart the chat server.");
}

function giveUp() {
  var socket = state.socket;
  state.socket = null;
  state.gaveUp = true;
  if (socket) { socket.io.reconnection(false); socket.disconnect(); }
  hideTyping();
  var text = L.gaveUp;
  if (config.phone) { text += " " + fill(L.phone, { clinic: config.clinic, phone: config.phone }); }
  setStatus(text);
}

function connect() {
  if (state.socket) { return; }
  state.failures = 0;
  state.gaveUp = false;
  // Long-polling only: Rasa 3.6's Sanic server breaks the websocket upgrade here ("Invalid frame header"),
  // and polling also passes through every proxy a clinic may have.
  var socket = io(config.server, { path: "/socket.io", transports: ["polling"], upgrade: false,
                                   reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 4000 });
  state.socket = socket;
  socket.on("connect", function () {
    state.failures = 0;
    setStatus("");
    socket.emit("session_request", { session_id: state.session, since: state.since });
  });
  socket.on("session_confirm", function (token) {
    if (typeof token === "string" && token) { state.session = token; save("session", token); }
    var waitingItems = state.queue.splice(0);
    waitingItems.forEach(function (item) { socket.emit("user_uttered", item); });
    if (waitingItems.length) {
      showTyping();
      state.history.forEach(function (m) { delete m.pending; });
      save("history", state.history);
      Array.prototype.forEach.call(log.querySelectorAll(".pending"), function (p) { p.remove(); });
    }
  });
  socket.on("bot_uttered", fromServer);
  socket.on("disconnect", function (reason) {
    if (reason === "io client disconnect") { return; }  /* we closed it (Start over) */
    hideTyping();
    setStatus(navigator.onLine === false ? L.offline : L.lost);
  });
  socket.on("connect_error", function () {
    if (state.socket !== socket) { return; }
    hideTyping();
    if (navigator.onLine === false) { setStatus(L.offline); return; }  /* it comes back: keep trying */
    warnSiteOwner();
    state.failures += 1;
    if (state.failures >= MAX_FAILURES) { giveUp(); return; }
    setStatus(L.trying);
  });
}
window.addEventListener("online", function () { if (state.gaveUp && !panel.hidden) { connect(); } });

/* Sends (or keeps to send) what the patient wrote; returns their message on the screen. */
function sendMessage(payload, shown) {
  var text = String(payload || "").trim();
  if (!text) { return null; }
  var item = { message: text };
  var connected = state.socket && state.socket.connected;
  retireChoices();
  var mine = add({ from: "user", text: shown || text, at: Date.now(), pending: !connected });
  if (connected) {
    state.socket.emit("user_uttered", item);
    showTyping();
  } else {
    state.queue.push(item);
    connect();
  }
  return mine;
}

/* Opening, closing, sizes ----------------------------------------------------------------------------------- */
function applySize() {
  var size = state.size % SIZES.length;
  root.style.setProperty("--size", String(SIZES[size]));
  /* The button says what it will do: larger text, or back to normal after the largest size. */
  bigger.textContent = size === SIZES.length - 1 ? L.normal : L.bigger;
}

function openPanel(focus) {
  panel.hidden = false;
  launcher.hidden = true;
  launcher.setAttribute("aria-expanded", "true");
  save("open", true);
  connect();
  if (!log.children.length) {
    if (!state.history.length) { add({ from: "bot", text: config.greeting, at: Date.now() }); }
    else {
      /* Choices after the patient's last message still work; older ones show as used. */
      var lastMine = -1;
      state.history.forEach(function (m, i) { if (m.from === "user") { lastMine = i; } });
      state.history.forEach(function (m, i) { draw(m, i > lastMine); });
    }
  }
  updatePerson();
  scrollToNew();
  if (focus) { input.focus(); }
}

function closePanel() {
  panel.hidden = true;
  launcher.hidden = false;
  launcher.setAttribute("aria-expanded", "false");
  save("open", false);
  stopReading();
  launcher.focus();
}

launcher.addEventListener("click", function () { openPanel(true); });
closeButton.addEventListener("click", closePanel);
bigger.addEventListener("click", function () {
  state.size = (state.size + 1) % SIZES.length;
  save("size", state.size);
  applySize();
  scrollToNew();
});
restart.addEventListener("click", function () { startOver(true); input.focus(); });
panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { closePanel(); } });
personButton.addEventListener("click", function () {
  setHandoff("asked");
  sendMessage("/request_human", L.person);
  input.focus();
});
cancelButton.addEventListener("click", function () {
  sendMessage("stop");
  input.focus();
});
form.addEventListener("submit", function (event) {
  event.preventDefault();
  var text = input.value;
  input.value = "";
  sendMessage(text);
  input.focus();
});

applySize();
updatePerson();
function mount() {
  document.body.appendChild(host);
  if (state.open) { openPanel(false); }
}
if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
