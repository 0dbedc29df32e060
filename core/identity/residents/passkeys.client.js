// Passkey buttons for the sign-in and security pages. Without JavaScript or WebAuthn the buttons stay
// hidden and email codes still work.
(() => {
  const lib = window.SimpleWebAuthnBrowser;
  if (!lib?.browserSupportsWebAuthn()) {
    return;
  }
  const status = document.getElementById("passkey-status");
  const say = (text) => {
    if (status) {
      status.textContent = text;
    }
  };
  async function post(url, body, csrf) {
    const headers = { "content-type": "application/json", accept: "application/json" };
    if (csrf) {
      headers["x-csrf-token"] = csrf;
    }
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body ?? {}),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.title ?? "request failed");
    }
    return data;
  }

  const signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    signIn.hidden = false;
    signIn.addEventListener("click", async () => {
      try {
        const optionsJSON = await post("/sign-in/passkey/options");
        const response = await lib.startAuthentication({ optionsJSON });
        const result = await post("/sign-in/passkey", { response, return: signIn.dataset.return });
        window.location.assign(result.redirect);
      } catch {
        say(signIn.dataset.failed ?? "");
      }
    });
  }

  const add = document.getElementById("passkey-add");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", async () => {
      try {
        const csrf = add.dataset.csrf;
        const optionsJSON = await post("/my/passkeys/options", {}, csrf);
        const response = await lib.startRegistration({ optionsJSON });
        await post("/my/passkeys", { response, label: add.dataset.label }, csrf);
        window.location.assign("/my/security?added=1");
      } catch {
        say(add.dataset.failed ?? "");
      }
    });
  }
})();
