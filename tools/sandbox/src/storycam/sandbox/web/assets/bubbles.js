// One chat row from Telegram Message objects: a bubble (text, media, invoice), its inline keyboard, or a service line.
// An album is one row built from all its messages. ``view`` carries what the row needs from the page:
// { paid: Set, botName, onCommand(text), onTap(messageId, button, node), onPay(messageId, node) }.
// Links to an invoice (https://t.me/$…) are not followed: the page opens its own pay dialog for them (chat.js).

import { api } from "./api.js";
import { clock, el, priceNode, safeUrl } from "./dom.js";
import { formatted } from "./formatted.js";

export function keyOf(message) {
  return message.media_group_id ? `g:${message.media_group_id}` : `m:${message.message_id}`;
}

function metaLine(message, over) {
  const edited = message.edit_date ? "edited " : "";
  const title = new Date(message.date * 1000).toLocaleString();
  return el("span", { class: over ? "meta over" : "meta", title }, `${edited}${clock(message.edit_date || message.date)}`);
}

function mediaGrid(members) {
  const items = [];
  for (const message of members) {
    if (message.photo) {
      const largest = message.photo[message.photo.length - 1];
      const src = api.fileUrl(largest.file_id);
      items.push(el("img", {
        src,
        alt: message.caption ? `Photo: ${message.caption}` : "Photo",
        width: largest.width || null,
        height: largest.height || null,
        loading: "lazy",
        onclick: () => window.open(src, "_blank", "noopener"),
      }));
    } else if (message.video) {
      const video = el("video", {
        src: api.fileUrl(message.video.file_id),
        "aria-label": message.caption ? `Video: ${message.caption}` : "Video",
        controls: true, autoplay: true, loop: true, playsinline: true, preload: "metadata",
      });
      video.muted = true; // browsers autoplay only muted video
      items.push(video);
    }
  }
  return items.length ? el("div", { class: `media-grid count-${Math.min(items.length, 4)}` }, ...items) : null;
}

function invoiceCard(message, view) {
  const invoice = message.invoice;
  const paid = view.paid.has(message.message_id);
  const button = el("button", {
    type: "button",
    class: "pay-button",
    disabled: paid,
    onclick: (event) => view.onPay(message.message_id, event.currentTarget),
  }, ...(paid ? ["Paid ✓"] : ["Pay ", priceNode(invoice.total_amount, invoice.currency)]));
  return el("div", { class: "invoice" },
    el("span", { class: "invoice-label" }, "Invoice"),
    el("span", { class: "invoice-title" }, invoice.title),
    el("span", { class: "invoice-description" }, invoice.description),
    el("span", { class: "invoice-amount" }, priceNode(invoice.total_amount, invoice.currency)),
    button,
  );
}

function inlineKeyboard(message, view) {
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  const keyboard = el("div", { class: "keyboard", role: "group", "aria-label": "Inline keyboard" });
  for (const row of rows) {
    const line = el("div", { class: "keyboard-row" });
    for (const button of row) {
      if (button.url) {
        line.append(el("a", { class: "keyboard-button", href: safeUrl(button.url), target: "_blank", rel: "noopener" },
          button.text, el("span", { class: "link-mark", "aria-hidden": "true" }, "↗")));
      } else if (!(button.pay && message.invoice)) { // the invoice card has the Pay button
        line.append(el("button", {
          type: "button",
          class: "keyboard-button",
          onclick: (event) => view.onTap(message.message_id, button, event.currentTarget),
        }, button.text));
      }
    }
    if (line.childElementCount) keyboard.append(line);
  }
  return keyboard.childElementCount ? keyboard : null;
}

function serviceLine(message, view) {
  if (message.successful_payment) {
    const p = message.successful_payment;
    if (p.is_first_recurring) return [`You subscribed to ${view.botName} for `, priceNode(p.total_amount, p.currency), " a month"];
    if (p.is_recurring) return ["Your subscription renewed: ", priceNode(p.total_amount, p.currency), ` to ${view.botName}`];
    return ["You paid ", priceNode(p.total_amount, p.currency), ` to ${view.botName}`];
  }
  if (message.refunded_payment) {
    const p = message.refunded_payment;
    return [priceNode(p.total_amount, p.currency), " refunded to you"];
  }
  return null;
}

// A file sent as a file: its name and size, a link to download it.
function documentCard(message) {
  const doc = message.document;
  const name = doc.file_name || "file";
  const bytes = doc.file_size || 0;
  const size = bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return el("a", { class: "document", href: api.fileUrl(doc.file_id), download: name, "aria-label": `File: ${name}` }, `📄 ${name} · ${size}`);
}

function content(bubble, members, grid, view) {
  const [first] = members;
  const last = members[members.length - 1];
  const captioned = members.find((m) => m.caption);
  if (first.invoice) {
    bubble.append(invoiceCard(first, view), metaLine(first, false));
  } else if (first.document) {
    bubble.append(documentCard(first));
    if (first.caption) bubble.append(formatted(first.caption, first.caption_entities, view.onCommand));
    bubble.append(metaLine(first, false));
  } else if (first.text !== undefined) {
    bubble.append(formatted(first.text, first.entities, view.onCommand));
    bubble.lastChild.append(metaLine(first, false));
  } else if (captioned) {
    bubble.append(formatted(captioned.caption, captioned.caption_entities, view.onCommand));
    bubble.lastChild.append(metaLine(last, false));
  } else if (grid) {
    bubble.append(metaLine(last, true));
  }
}

export function buildRow(key, members, view) {
  const [first] = members;
  const service = serviceLine(first, view);
  if (service) return el("div", { class: "service", "data-key": key, "data-order": first.message_id }, ...service);

  const row = el("div", { class: `row ${first.from.is_bot ? "in" : "out"}`, "data-key": key, "data-order": first.message_id });
  const grid = mediaGrid(members);
  const bubble = el("div", { class: grid ? "bubble media" : "bubble", "data-message-id": first.message_id });
  if (grid) bubble.append(grid);
  content(bubble, members, grid, view);
  row.append(bubble);
  const keyboard = first.media_group_id ? null : inlineKeyboard(first, view);
  if (keyboard) row.append(keyboard);
  return row;
}
