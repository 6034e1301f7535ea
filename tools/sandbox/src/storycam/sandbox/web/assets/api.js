// The control API (/sandbox/...): what the person does, and what the page reads.

async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = data && (data.detail || data.error);
    throw new Error(typeof detail === "string" ? detail : `Request failed (${response.status})`);
  }
  return data;
}

export const api = {
  bot: () => request("GET", "/sandbox/bot"),
  users: () => request("GET", "/sandbox/users"),
  createUser: (body) => request("POST", "/sandbox/users", body),
  chat: (id) => request("GET", `/sandbox/users/${id}/chat`),
  commands: (id) => request("GET", `/sandbox/users/${id}/commands`),
  say: (id, text) => request("POST", `/sandbox/users/${id}/messages`, { text }),
  photos: (id, form) => request("POST", `/sandbox/users/${id}/photos`, form),
  tap: (id, messageId, data) => request("POST", `/sandbox/users/${id}/callbacks`, { message_id: messageId, data }),
  pay: (id, messageId) => request("POST", `/sandbox/users/${id}/payments`, { message_id: messageId }),
  invoiceLink: (slug) => request("GET", `/sandbox/invoice-links/${encodeURIComponent(slug)}`),
  payLink: (id, url) => request("POST", `/sandbox/users/${id}/invoice-links`, { url }),
  block: (id, blocked) => request("POST", `/sandbox/users/${id}/${blocked ? "block" : "unblock"}`),
  events: (id) => new EventSource(`/sandbox/users/${id}/events`),
  fileUrl: (fileId) => `/sandbox/files/${encodeURIComponent(fileId)}`,
};
