// Small DOM and formatting helpers shared by the page's modules.

export const $ = (id) => document.getElementById(id);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

export function initials(name) {
  return (name || "?").trim().slice(0, 1).toUpperCase();
}

export function colourClass(id) {
  return `c${Math.abs(Number(id)) % 6}`;
}

export function clock(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

export function safeUrl(url) {
  return /^(https?:|tg:|mailto:)/i.test(url || "") ? url : null;
}

export function money(amount, currency) {
  if (currency === "XTR") return `${amount} Stars`;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount / 100);
  } catch {
    return `${amount} ${currency}`;
  }
}

const STAR_PATH = "M12 2.6l2.9 5.9 6.5.9-4.7 4.6 1.1 6.5L12 17.4l-5.8 3.1 1.1-6.5-4.7-4.6 6.5-.9z";

// A price as Telegram draws it: Stars get the gold star (an SVG, so it shows without an emoji font).
export function priceNode(amount, currency) {
  if (currency !== "XTR") return el("span", { class: "price" }, money(amount, currency));
  const star = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  star.setAttribute("viewBox", "0 0 24 24");
  star.setAttribute("aria-hidden", "true");
  star.setAttribute("class", "star");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", STAR_PATH);
  star.append(path);
  return el("span", { class: "price stars" }, star, String(amount), el("span", { class: "visually-hidden" }, " Stars"));
}

let toastTimer = null;
export function toast(text) {
  const node = $("toast");
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 3000);
}

export function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert-dialog").showModal();
}

const INVOICE_LINK = "https://t.me/$";

// The slug of a Telegram invoice link (createInvoiceLink), or null for any other address.
export function invoiceSlug(url) {
  return typeof url === "string" && url.startsWith(INVOICE_LINK) ? url.slice(INVOICE_LINK.length) : null;
}
