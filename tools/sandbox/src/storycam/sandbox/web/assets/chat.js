// The sandbox web chat: a person plays a Telegram user talking to the bot, through the control API.
// The page keeps one DOM row per message (or per album), so an edit replaces only its own bubble and a playing
// video keeps playing while other messages change. Live changes arrive as server-sent events.

import { api } from "./api.js";
import { keyOf, buildRow } from "./bubbles.js";
import { wireControls } from "./controls.js";
import { $, alertBox, colourClass, el, initials, invoiceSlug, priceNode, safeUrl, toast } from "./dom.js";

const TYPING_MS = 5000;
const ACTIONS = { upload_photo: "sending a photo…", upload_video: "sending a video…", record_video: "recording a video…" };

const state = {
  bot: null,
  users: [],
  userId: null,
  blocked: false,
  messages: new Map(), // message_id -> Telegram Message
  paid: new Set(), // invoice message ids
  replyKeyboard: null,
  events: null,
  loading: false,
  buffered: [],
  tapping: new Map(), // callback_query_id -> the button waiting for its answer
};

// ---- the message list ---------------------------------------------------------------------------------------

const view = {
  paid: state.paid,
  get botName() { return state.bot ? state.bot.first_name : "the bot"; },
  onCommand: (text) => sendText(text),
  onTap: (messageId, button, node) => tapButton(messageId, button, node),
  onPay: (messageId, node) => payInvoice(messageId, node),
};

function membersOf(key) {
  return [...state.messages.values()].filter((m) => keyOf(m) === key).sort((a, b) => a.message_id - b.message_id);
}

function nearBottom() {
  const list = $("messages");
  return list.scrollHeight - list.scrollTop - list.clientHeight < 120;
}

function scrollToBottom() {
  $("messages").scrollTop = $("messages").scrollHeight;
}

function renderKey(key, stick) {
  const list = $("messages");
  const existing = list.querySelector(`[data-key="${CSS.escape(key)}"]`);
  const members = membersOf(key);
  if (!members.length) {
    if (existing) existing.remove();
  } else {
    view.paid = state.paid;
    const row = buildRow(key, members, view);
    if (existing) {
      existing.replaceWith(row);
    } else {
      const order = members[0].message_id;
      const after = [...list.querySelectorAll("[data-order]")].find((n) => Number(n.dataset.order) > order);
      list.insertBefore(row, after || null);
    }
  }
  updateEmpty();
  if (stick) scrollToBottom();
}

function upsert(message) {
  const stick = nearBottom() || !message.from.is_bot || !state.messages.has(message.message_id);
  state.messages.set(message.message_id, message);
  renderKey(keyOf(message), stick);
  if (message.from.is_bot && !message.edit_date) setTyping(false);
}

function remove(messageId) {
  const message = state.messages.get(messageId);
  if (!message) return;
  state.messages.delete(messageId);
  renderKey(keyOf(message), false);
}

function renderAll() {
  for (const row of $("messages").querySelectorAll("[data-key]")) row.remove();
  const ordered = [...state.messages.values()].sort((a, b) => a.message_id - b.message_id);
  for (const key of new Set(ordered.map(keyOf))) renderKey(key, false);
  updateEmpty();
  scrollToBottom();
}

function updateEmpty() {
  $("empty").hidden = state.messages.size > 0 && Boolean(state.bot);
  if (!state.bot) return;
  $("empty-title").textContent = state.userId ? "No messages here yet" : "Nobody to play yet";
  $("empty-text").textContent = state.userId ? "Send /start to begin, or open the menu." : "Create a user to chat as.";
}

// ---- keyboard, commands, header, user list --------------------------------------------------------------------

function renderReplyKeyboard() {
  const area = $("reply-keyboard");
  const markup = state.replyKeyboard;
  area.replaceChildren();
  area.hidden = !markup || state.blocked;
  if (!markup) return;
  for (const row of markup.keyboard || []) {
    area.append(el("div", { class: "keyboard-row" }, ...row.map((button) => el("button", {
      type: "button",
      onclick: () => {
        sendText(button.text);
        if (markup.one_time_keyboard) { state.replyKeyboard = null; renderReplyKeyboard(); }
      },
    }, button.text))));
  }
}

async function loadCommands() {
  if (!state.userId || !state.bot) return;
  const { commands } = await api.commands(state.userId);
  $("menu-button").hidden = commands.length === 0;
  $("commands-menu").replaceChildren(...commands.map((command) => el("button", {
    type: "button",
    role: "menuitem",
    class: "command-item",
    onclick: () => { closeMenu(); sendText(`/${command.command}`); },
  }, el("span", { class: "command-name" }, `/${command.command}`), el("span", { class: "command-description" }, command.description))));
  if (!commands.length) closeMenu();
}

function closeMenu() {
  $("commands-menu").hidden = true;
  $("menu-button").setAttribute("aria-expanded", "false");
}

let typingTimer = null;
function setTyping(on, action = "typing") {
  const status = $("bot-status");
  clearTimeout(typingTimer);
  status.textContent = on ? ACTIONS[action] || "typing…" : "bot";
  status.classList.toggle("typing", on);
  if (on) typingTimer = setTimeout(() => setTyping(false), TYPING_MS);
}

function renderHeader() {
  const bot = state.bot;
  const user = state.users.find((u) => u.id === state.userId);
  $("bot-name").textContent = bot ? bot.first_name : "Waiting for the bot…";
  $("bot-avatar").textContent = initials(bot ? bot.first_name : "B");
  $("viewer").replaceChildren(...(user ? ["You are ", el("strong", {}, user.first_name), ` · ${(user.language_code || "").toUpperCase()}`] : []));
  const toggle = $("block-toggle");
  toggle.disabled = !bot || !user;
  toggle.textContent = state.blocked ? "Unblock bot" : "Block bot";
  toggle.setAttribute("aria-pressed", String(state.blocked));
  const input = $("message-input");
  input.disabled = !bot || !user || state.blocked;
  input.placeholder = state.blocked ? "You blocked this bot" : "Message";
  $("photo-input").disabled = input.disabled;
  $("send-button").disabled = input.disabled || !input.value.trim();
  renderReplyKeyboard();
}

function renderUsers() {
  $("user-list").replaceChildren(...state.users.map((user) => el("li", {}, el("button", {
    type: "button",
    class: "user-button",
    "aria-current": user.id === state.userId ? "true" : "false",
    "aria-label": `${user.first_name} (${(user.language_code || "").toUpperCase()})`,
    onclick: () => { openChat(user.id); $("app").classList.remove("users-open"); },
  },
  el("span", { class: `avatar ${colourClass(user.id)}`, "aria-hidden": "true" }, initials(user.first_name)),
  el("span", {},
    el("span", { class: "user-name" }, user.first_name),
    el("span", { class: "user-meta" }, `${user.language_code === "ru" ? "Русский" : "English"} · ${user.id}`))))));
}

// ---- what the person does -----------------------------------------------------------------------------------

async function sendText(text) {
  const trimmed = text.trim();
  if (!trimmed || !state.userId) return;
  try {
    upsert(await api.say(state.userId, trimmed));
  } catch (error) {
    toast(error.message);
  }
}

async function sendPhotos(form) {
  try {
    (await api.photos(state.userId, form)).messages.forEach(upsert);
  } catch (error) {
    toast(error.message);
  }
}

async function tapButton(messageId, button, node) {
  if (button.callback_data === undefined) {
    toast("The sandbox cannot press this kind of button.");
    return;
  }
  node.classList.add("loading");
  try {
    const { callback_query_id: id } = await api.tap(state.userId, messageId, button.callback_data);
    state.tapping.set(id, node);
    setTimeout(() => { node.classList.remove("loading"); state.tapping.delete(id); }, 15000);
  } catch (error) {
    node.classList.remove("loading");
    toast(error.message);
  }
}

async function payInvoice(messageId, button) {
  button.disabled = true;
  button.textContent = "Processing…";
  try {
    const outcome = await api.pay(state.userId, messageId);
    if (outcome.status === "paid") {
      state.paid.add(messageId);
      if (outcome.message) upsert(outcome.message);
    } else {
      toast(outcome.error_message || "The payment did not go through.");
    }
  } catch (error) {
    toast(error.message);
  }
  const invoice = state.messages.get(messageId);
  if (invoice) renderKey(keyOf(invoice), false);
}

// An invoice link (a URL button or a link in a text) opens Telegram's pay sheet, here a dialog, instead of t.me.
async function openInvoiceLink(url) {
  let link;
  try {
    link = await api.invoiceLink(invoiceSlug(url));
  } catch (error) {
    toast(error.message);
    return;
  }
  const { invoice } = link;
  const monthly = link.subscription_period !== undefined;
  $("invoice-title").textContent = invoice.title;
  $("invoice-description").textContent = invoice.description;
  $("invoice-price").replaceChildren(priceNode(invoice.total_amount, invoice.currency), monthly ? " a month" : "");
  $("invoice-note").textContent = monthly ? "Renews every 30 days until you cancel." : "";
  const pay = $("invoice-pay");
  pay.disabled = false;
  pay.replaceChildren(monthly ? "Subscribe" : "Pay ", ...(monthly ? [] : [priceNode(invoice.total_amount, invoice.currency)]));
  pay.onclick = () => payInvoiceLink(url);
  $("invoice-dialog").showModal();
}

async function payInvoiceLink(url) {
  const pay = $("invoice-pay");
  pay.disabled = true;
  pay.textContent = "Processing…";
  try {
    const outcome = await api.payLink(state.userId, url);
    if (outcome.status === "paid") {
      if (outcome.message) upsert(outcome.message);
    } else {
      toast(outcome.error_message || "The payment did not go through.");
    }
  } catch (error) {
    toast(error.message);
  }
  $("invoice-dialog").close();
}

function wireInvoiceLinks() {
  $("messages").addEventListener("click", (event) => {
    const anchor = event.target.closest("a[href]");
    if (!anchor || invoiceSlug(anchor.getAttribute("href")) === null) return;
    event.preventDefault();
    if (state.userId) openInvoiceLink(anchor.getAttribute("href"));
  });
  $("invoice-cancel").addEventListener("click", () => $("invoice-dialog").close());
}

async function setBlocked(blocked) {
  try {
    state.blocked = (await api.block(state.userId, blocked)).blocked;
    renderHeader();
    toast(state.blocked ? "You blocked the bot." : "You unblocked the bot.");
  } catch (error) {
    toast(error.message);
  }
}

async function createUser(body) {
  const user = await api.createUser(body);
  state.users = (await api.users()).users;
  openChat(user.id);
}

// ---- live events --------------------------------------------------------------------------------------------

function onEvent(event) {
  switch (event.type) {
    case "message": upsert(event.message); break;
    case "deleted": remove(event.message_id); break;
    case "callback_answer": {
      state.tapping.get(event.callback_query_id)?.classList.remove("loading");
      state.tapping.delete(event.callback_query_id);
      if (event.text) (event.show_alert ? alertBox : toast)(event.text);
      if (safeUrl(event.url)) window.open(event.url, "_blank", "noopener");
      break;
    }
    case "action": setTyping(true, event.action); break;
    case "payment": {
      if (event.invoice_message_id === undefined) break; // an invoice link: its receipt arrives as a message
      if (event.status === "paid") state.paid.add(event.invoice_message_id);
      const invoice = state.messages.get(event.invoice_message_id);
      if (invoice) renderKey(keyOf(invoice), false);
      break;
    }
    case "blocked": state.blocked = event.blocked; renderHeader(); break;
    case "keyboard": state.replyKeyboard = event.reply_keyboard; renderReplyKeyboard(); break;
    case "commands": loadCommands().catch(() => {}); break;
    default: break;
  }
}

async function loadTranscript(userId) {
  state.loading = true;
  try {
    const chat = await api.chat(userId);
    if (userId !== state.userId) return;
    state.messages = new Map(chat.messages.map((m) => [m.message_id, m]));
    state.paid = new Set(chat.paid_invoices);
    state.blocked = chat.blocked;
    state.replyKeyboard = chat.reply_keyboard;
    renderAll();
    renderHeader();
  } finally {
    // Events that came while the transcript loaded are applied after it (each is idempotent).
    state.loading = false;
    const waiting = state.buffered;
    state.buffered = [];
    waiting.forEach(onEvent);
  }
}

function openChat(userId) {
  if (state.events) state.events.close();
  state.userId = userId;
  localStorage.setItem("sandbox.user", String(userId));
  Object.assign(state, { messages: new Map(), paid: new Set(), replyKeyboard: null, blocked: false, buffered: [] });
  state.tapping.clear();
  closeMenu();
  setTyping(false);
  renderAll();
  renderUsers();
  renderHeader();
  if (!state.bot) return;
  const events = api.events(userId);
  state.events = events;
  // Every (re)connection reloads the transcript, so nothing missed while disconnected stays missing.
  events.addEventListener("open", () => loadTranscript(userId).catch((error) => toast(error.message)));
  events.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (state.loading) state.buffered.push(event);
    else onEvent(event);
  });
  loadCommands().catch(() => {});
}

async function waitForBot() {
  for (;;) {
    try {
      const { bot } = await api.bot();
      if (bot) return bot;
    } catch {
      // the emulator may be restarting
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function start() {
  wireControls({ sendText, sendPhotos, setBlocked: () => setBlocked(!state.blocked), createUser, closeMenu });
  wireInvoiceLinks();
  state.users = (await api.users()).users;
  renderUsers();
  renderHeader();
  state.bot = await waitForBot();
  renderHeader();
  updateEmpty();
  const remembered = Number(localStorage.getItem("sandbox.user"));
  const first = state.users.find((u) => u.id === remembered) || state.users[0];
  if (first) openChat(first.id);
}

start().catch((error) => toast(error.message));
