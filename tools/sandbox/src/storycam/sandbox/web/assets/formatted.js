// Telegram's formatted text: plain text plus MessageEntity objects, whose UTF-16 offsets JavaScript strings share.

import { el, safeUrl } from "./dom.js";

function entityElement(entity, content, onCommand) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": {
      const code = el("code", entity.language ? { class: `language-${entity.language}` } : {});
      return { outer: el("pre", {}, code), inner: code };
    }
    case "spoiler":
      return el("span", { class: "spoiler", title: "Spoiler", onclick: (e) => e.currentTarget.classList.add("revealed") });
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "text_link": return el("a", { href: safeUrl(entity.url), target: "_blank", rel: "noopener" });
    case "url": {
      const href = safeUrl(/^\w+:/.test(content) ? content : `https://${content}`);
      return el("a", { href, target: "_blank", rel: "noopener" });
    }
    case "email": return el("a", { href: `mailto:${content}` });
    case "bot_command":
      return el("a", { class: "command", href: "#", onclick: (e) => { e.preventDefault(); onCommand(content.split("@")[0]); } });
    default: return el("span", { class: entity.type });
  }
}

function append(parent, text, start, end, entities, onCommand) {
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    if (entity.offset < position) { index += 1; continue; }
    if (entity.offset >= end) break;
    if (entity.offset > position) parent.append(text.slice(position, entity.offset));
    const entityEnd = Math.min(end, entity.offset + entity.length);
    const inner = [];
    let next = index + 1;
    while (next < entities.length && entities[next].offset < entityEnd) inner.push(entities[next++]);
    const made = entityElement(entity, text.slice(entity.offset, entityEnd), onCommand);
    append(made.inner || made, text, entity.offset, entityEnd, inner, onCommand);
    parent.append(made.outer || made);
    position = entityEnd;
    index = next;
  }
  if (position < end) parent.append(text.slice(position, end));
}

export function formatted(text, entities, onCommand) {
  const node = el("div", { class: "text" });
  const sorted = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  append(node, text, 0, text.length, sorted, onCommand);
  return node;
}
