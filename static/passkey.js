// Passkeys (WebAuthn) for the owner's sign-in, set-up and Security pages. The server
// speaks JSON with binary fields as unpadded base64url (webauthn-rs); the browser's
// API wants ArrayBuffers, so this file converts both ways and posts the answers back.
//   <button data-passkey="signin" data-next="/admin/">  sign in
//   <form data-passkey="register" data-options="…" data-verify="…">  register; the
//     form's fields (name, token or csrf_token) are sent along as JSON.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    document.querySelectorAll(".passkey-status").forEach(function (s) {
      s.textContent = "This browser cannot use passkeys.";
    });
    return;
  }

  function toBytes(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function toB64(buf) {
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The browser refuses `null` where the specification has an absent member.
  function clean(o) {
    if (o && typeof o === "object" && !(o instanceof ArrayBuffer)) {
      Object.keys(o).forEach(function (k) {
        if (o[k] === null) delete o[k];
        else clean(o[k]);
      });
    }
    return o;
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(data.message || "The server answered " + res.status + ".");
        return data;
      });
    });
  }

  function failure(e) {
    if (e && e.name === "NotAllowedError") return "The passkey request was cancelled or timed out.";
    if (e && e.name === "InvalidStateError") return "This passkey is already registered.";
    return (e && e.message) || "Something went wrong.";
  }

  function signIn(button) {
    var status = document.getElementById("passkey-status");
    button.disabled = true;
    status.textContent = "Waiting for your passkey…";
    postJson("/auth/passkey/options", {})
      .then(function (start) {
        var pk = start.options.publicKey;
        pk.challenge = toBytes(pk.challenge);
        (pk.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.get({ publicKey: clean(pk) }).then(function (a) {
          return postJson("/auth/passkey/verify", {
            ceremony: start.ceremony,
            next: button.dataset.next || null,
            credential: {
              id: a.id,
              rawId: toB64(a.rawId),
              type: a.type,
              extensions: {},
              response: {
                authenticatorData: toB64(a.response.authenticatorData),
                clientDataJSON: toB64(a.response.clientDataJSON),
                signature: toB64(a.response.signature),
                userHandle: a.response.userHandle ? toB64(a.response.userHandle) : null,
              },
            },
          });
        });
      })
      .then(function (done) {
        status.textContent = "Signed in.";
        window.location.assign(done.next);
      })
      .catch(function (e) {
        status.textContent = failure(e);
        button.disabled = false;
      });
  }

  function register(form) {
    var status = form.querySelector(".passkey-status");
    var button = form.querySelector("button");
    var fields = {};
    new FormData(form).forEach(function (v, k) { fields[k] = v; });
    button.disabled = true;
    status.textContent = "Waiting for your authenticator…";
    postJson(form.dataset.options, fields)
      .then(function (start) {
        var pk = start.options.publicKey;
        pk.challenge = toBytes(pk.challenge);
        pk.user.id = toBytes(pk.user.id);
        (pk.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.create({ publicKey: clean(pk) }).then(function (c) {
          var body = Object.assign({}, fields, {
            ceremony: start.ceremony,
            credential: {
              id: c.id,
              rawId: toB64(c.rawId),
              type: c.type,
              extensions: {},
              response: {
                attestationObject: toB64(c.response.attestationObject),
                clientDataJSON: toB64(c.response.clientDataJSON),
              },
            },
          });
          delete body.name;
          return postJson(form.dataset.verify, body);
        });
      })
      .then(function (done) {
        status.textContent = "Passkey registered.";
        window.location.assign(done.next);
      })
      .catch(function (e) {
        status.textContent = failure(e);
        button.disabled = false;
      });
  }

  document.querySelectorAll("[data-passkey=signin]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { signIn(b); });
  });
  document.querySelectorAll("form[data-passkey=register]").forEach(function (f) {
    var b = f.querySelector("button");
    if (b) b.hidden = false;
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      register(f);
    });
  });
})();
