// Sends the signup form to save-email-fn as JSON and shows the outcome next to the field or under the button.
// Without JavaScript the same form posts itself (form-encoded) and save-email-fn answers with a result page.
(() => {
  const form = document.getElementById("signup-form");
  const email = document.getElementById("email");
  const honeypot = document.getElementById("website");
  const consentVersion = form.elements.namedItem("consentVersion");
  const button = form.querySelector("button[type=submit]");
  const fieldError = document.getElementById("email-error");
  const status = document.getElementById("status");

  const showFieldError = (message) => {
    fieldError.textContent = message;
    email.setAttribute("aria-invalid", "true");
    email.focus();
  };

  const showStatus = (kind, message) => {
    status.className = "status status-" + kind;
    status.textContent = message;
  };

  const clear = () => {
    fieldError.textContent = "";
    email.removeAttribute("aria-invalid");
    showStatus("none", "");
  };

  const setBusy = (busy) => {
    button.disabled = busy;
    form.setAttribute("aria-busy", String(busy));
    button.textContent = busy ? "Signing up…" : "Sign up";
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) {
      return; // a request is already in flight
    }
    clear();
    if (!email.checkValidity()) {
      showFieldError(email.validity.valueMissing ? "Please enter your email address." : "Please enter a valid email address.");
      return;
    }
    setBusy(true);
    try {
      const response = await fetch(form.dataset.saveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: email.value, website: honeypot.value, consentVersion: consentVersion.value }),
      });
      if (response.ok) {
        // New and already-subscribed addresses get the same answer, by design.
        showStatus("ok", "Almost done: check your inbox and press the button in our confirmation mail.");
        form.reset();
      } else if (response.status === 429) {
        const minutes = Math.ceil(Number(response.headers.get("Retry-After") || 60) / 60);
        showStatus("error", "Too many signups from here. Please try again in " + minutes + " minute"
          + (minutes === 1 ? "" : "s") + ".");
      } else if (response.status >= 400 && response.status < 500) {
        const body = await response.json().catch(() => ({}));
        showFieldError(body.error ? capitalize(body.error) + "." : "Please check the address.");
      } else {
        showStatus("error", "Something went wrong on our side. Please try again in a moment.");
      }
    } catch (networkError) {
      showStatus("error", "We could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  });

  const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);
})();
