// The form runner's only script, served as-is at /assets/forms.js. Every page works without it: this only
// enhances (live conditions, fees and 和暦, address fill, signature pad, location, one submit per click).
// No inline styles (CSP): visibility goes through the `hidden` attribute.
(() => {
  const ja = document.documentElement.lang !== "en";
  const byId = (id) => document.getElementById(id);
  const isList = Array.isArray;

  // --- JSON Logic, the subset of definition/expressions.ts with the same semantics ---
  const truthy = (v) => (isList(v) ? v.length > 0 : Boolean(v));
  const num = (v) => {
    if (isList(v)) {
      return v.reduce((sum, item) => sum + num(item), 0);
    }
    const n = typeof v === "number" ? v : Number(v ?? 0);
    return Number.isFinite(n) ? n : 0;
  };
  // A value read as a number for equality; anything else is NaN, which equals nothing ("other" is not 0).
  const numberOrNone = (v) =>
    typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && v.trim()) ? Number(v) : NaN;
  const same = (a, b) => {
    if (isList(a) !== isList(b)) {
      return isList(a) ? a.some((x) => same(x, b)) : b.some((x) => same(a, x));
    }
    if (typeof a === "number" || typeof b === "number") {
      return numberOrNone(a) === numberOrNone(b);
    }
    return (a ?? null) === (b ?? null);
  };
  const evaluate = (expression, scope) => {
    if (expression === null || typeof expression !== "object") {
      return expression;
    }
    const [op, args] = Object.entries(expression)[0];
    if (op === "var") {
      const [head, member] = args.split(".");
      const value = scope[head];
      if (member === undefined) {
        return value ?? null;
      }
      return isList(value)
        ? value.map((item) => (item && typeof item === "object" ? item[member] : null))
        : null;
    }
    // Expressions are pure and total, so every argument can be evaluated up front.
    const values = args.map((arg) => evaluate(arg, scope));
    const [a, b] = values;
    const difference = num(a) - num(b);
    switch (op) {
      case "==":
        return same(a, b);
      case "!=":
        return !same(a, b);
      case ">":
        return difference > 0;
      case ">=":
        return difference >= 0;
      case "<":
        return difference < 0;
      case "<=":
        return difference <= 0;
      case "in":
        return isList(b)
          ? b.some((item) => same(item, a))
          : typeof b === "string" && a !== null && a !== "" && b.includes(String(a));
      case "and":
        return values.every(truthy);
      case "or":
        return values.some(truthy);
      case "!":
        return !truthy(a);
      case "+":
        return values.reduce((sum, v) => sum + num(v), 0);
      case "-":
        return difference;
      case "*":
        return values.reduce((product, v) => product * num(v), 1);
      case "if":
        for (let i = 0; i + 1 < values.length; i += 2) {
          if (truthy(values[i])) {
            return values[i + 1];
          }
        }
        return values.length % 2 ? values[values.length - 1] : null;
      case "count":
        return isList(a) ? a.length : a === null || a === "" ? 0 : 1;
    }
    return null;
  };
  const variablesOf = (x) =>
    x === null || typeof x !== "object"
      ? []
      : "var" in x
        ? [x.var.split(".")[0]]
        : Object.values(x)[0].flatMap(variablesOf);

  // --- The page's current answers, shaped as the server reads them (validate-page.ts checkScalar) ---
  const clean = (el) => {
    const text = el.value.normalize("NFKC").trim();
    if (text === "") {
      return null;
    }
    // Number fields (and a location's lat/lng) are numbers on the server; other text stays text.
    const numeric = /^(numeric|decimal)$/.test(el.inputMode) && el.autocomplete !== "postal-code";
    return numeric && /^-?[\d,]+(\.\d+)?$/.test(text) ? Number(text.replace(/,/g, "")) : text;
  };
  const scopeOf = (form) => {
    const scope = {};
    for (const el of form.elements) {
      const { name, type } = el;
      if (!name || name[0] === "_" || /^(submit|button|reset|hidden|file)$/.test(type)) {
        continue;
      }
      // "kids.0.age" → scope.kids[0].age; "applicant.name" → scope.applicant.name.
      const path = name.split(".");
      const key = path.pop();
      let holder = scope;
      path.forEach((part, i) => {
        holder[part] ??= /^\d+$/.test(path[i + 1] ?? key) ? [] : {};
        holder = holder[part];
      });
      const on = el.checked && !el.disabled;
      if (type === "radio") {
        holder[key] = on ? clean(el) : (holder[key] ?? null);
      } else if (type === "checkbox" && el.id === `f-${name}`) {
        // A consent box: true, or false when optional (null when required and unticked, as the server has it).
        holder[key] = el.disabled ? null : el.checked || (el.required ? null : false);
      } else if (type === "checkbox") {
        holder[key] = on ? [...(holder[key] ?? []), el.value] : (holder[key] ?? null);
      } else {
        holder[key] = el.disabled ? null : clean(el);
      }
    }
    return scope;
  };

  const knows = (expression, scope) => variablesOf(expression).every((key) => key in scope);
  const yen = (n) => `${n.toLocaleString("ja-JP")}円`;

  /** Conditions and computed values, repeated until settled (a field hidden can hide another). */
  const refresh = (form) => {
    for (let round = 0, changed = true; changed && round < 5; round++) {
      changed = false;
      const scope = scopeOf(form);
      for (const output of form.querySelectorAll("output[data-computed]")) {
        const expression = JSON.parse(output.dataset.computed);
        const key = output.closest("[data-field]").dataset.field;
        // Values from other pages are not here: leave the server's figure as it is.
        if (knows(expression, scope)) {
          const value = Number(evaluate(expression, scope));
          const amount = Number.isFinite(value) ? value : 0;
          const shown = output.dataset.format === "yen" ? yen(amount) : amount.toLocaleString("ja-JP");
          if (output.value !== shown) {
            output.value = shown;
          }
          scope[key] = amount;
        } else {
          scope[key] = Number(output.value.replace(/[^\d.-]/g, ""));
        }
      }
      for (const field of form.querySelectorAll("[data-show-if]")) {
        const condition = JSON.parse(field.dataset.showIf);
        const item = /^(\w+)\.(\d+)\./.exec(field.dataset.field);
        const itemScope = item ? { ...scope, ...scope[item[1]]?.[item[2]] } : scope;
        if (!knows(condition, itemScope)) {
          continue;
        }
        const hide =
          Boolean(field.parentElement.closest("[data-show-if][hidden]")) ||
          !truthy(evaluate(condition, itemScope));
        changed ||= hide !== field.hidden;
        field.hidden = hide;
        // Hidden answers are not posted; document order lets an inner condition override its outer one.
        for (const control of field.querySelectorAll("input,select,textarea,button")) {
          control.disabled = hide;
        }
      }
    }
    for (const era of document.querySelectorAll(".era[data-era-for]")) {
      era.textContent = japaneseEra(byId(era.dataset.eraFor)?.value ?? "");
    }
  };

  // --- 和暦 as in definition/japanese-era.ts ---
  const eras = [
    ["2019-05-01", "令和"],
    ["1989-01-08", "平成"],
    ["1926-12-25", "昭和"],
    ["1912-07-30", "大正"],
    ["1868-01-25", "明治"],
  ];
  const japaneseEra = (iso) => {
    const era = eras.find(([start]) => iso >= start);
    // Only a real YYYY-MM-DD survives the round trip (toJSON is null for an invalid date).
    if (!era || new Date(`${iso}T00:00:00Z`).toJSON()?.slice(0, 10) !== iso) {
      return "";
    }
    const [y, m, d] = iso.split("-");
    const year = y - era[0].slice(0, 4) + 1;
    return `${era[1]}${year === 1 ? "元" : year}年${Number(m)}月${Number(d)}日`;
  };

  // --- A polite live region for what the script did on its own (address filled, location) ---
  const live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  document.querySelector("main")?.append(live);
  const say = (jaText, enText) => {
    live.textContent = ja ? jaText : enText;
  };
  const notifyInput = (el) => el.dispatchEvent(new Event("input", { bubbles: true }));

  const lookedUp = new WeakMap();
  const fillAddress = (input) => {
    const digits = input.value.normalize("NFKC").replace(/\D/g, "");
    if (digits.length !== 7 || lookedUp.get(input) === digits) {
      return;
    }
    lookedUp.set(input, digits);
    fetch(`/forms/postal-codes/${digits}`)
      .then((response) => (response.ok ? response.json() : null))
      .then((found) => {
        const address = byId(input.dataset.fillsAddress);
        if (found?.address && address && !address.value.trim()) {
          address.value = found.address;
          notifyInput(address);
          say(`住所を入力しました：${found.address}`, `Address filled in: ${found.address}`);
        }
      })
      // No lookup service, or no such code: the resident types the address, as without JavaScript.
      .catch(() => {});
  };

  // Inline checks stay minimal: the server's messages are the source of truth.
  const touched = new WeakSet();
  const markEmpty = (el, onlyClear) => {
    if (!el.required || !touched.has(el)) {
      return;
    }
    const empty = el.type === "checkbox" ? !el.checked : !el.value.trim();
    if (!empty) {
      el.removeAttribute("aria-invalid");
    } else if (!onlyClear) {
      el.setAttribute("aria-invalid", "true");
    }
  };

  for (const form of document.querySelectorAll("form[data-runner]")) {
    const onInput = (event) => {
      const el = event.target;
      touched.add(el);
      markEmpty(el, true);
      if (el.dataset.fillsAddress) {
        fillAddress(el);
      }
      refresh(form);
    };
    form.addEventListener("input", onInput);
    form.addEventListener("change", onInput);
    form.addEventListener("focusout", (event) => markEmpty(event.target, false));
    refresh(form);
  }

  // --- Signature pad: drawn with a finger, pen or mouse; the typed name stays for keyboard users ---
  for (const pad of document.querySelectorAll(".signature-pad[data-signature]")) {
    const canvas = pad.querySelector("canvas");
    const input = pad.querySelector("input[type=hidden]");
    const context = canvas.getContext("2d");
    let drawn = false;
    let last = null;
    pad.hidden = false;
    context.lineWidth = 4;
    context.lineCap = context.lineJoin = "round";
    const point = (event) => {
      const box = canvas.getBoundingClientRect();
      return [
        ((event.clientX - box.left) * canvas.width) / box.width,
        ((event.clientY - box.top) * canvas.height) / box.height,
      ];
    };
    // Handlers as properties: these elements are the script's own to drive.
    canvas.onpointerdown = (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
    };
    canvas.onpointermove = (event) => {
      if (last) {
        const next = point(event);
        context.beginPath();
        context.moveTo(...last);
        context.lineTo(...next);
        context.stroke();
        last = next;
        drawn = true;
      }
    };
    canvas.onpointerup = canvas.onpointercancel = () => {
      last = null;
    };
    pad.querySelector("[data-signature-clear]").onclick = () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      input.value = "";
    };
    input.form.addEventListener("submit", () => {
      if (drawn) {
        input.value = canvas.toDataURL("image/png");
      }
    });
  }

  // --- Location: only offered where the browser can tell ---
  for (const button of document.querySelectorAll("button[data-locate]")) {
    if (!navigator.geolocation) {
      continue;
    }
    button.hidden = false;
    button.onclick = () =>
      navigator.geolocation.getCurrentPosition(
        ({ coords }) => {
          for (const [suffix, value] of [
            ["lat", coords.latitude],
            ["lng", coords.longitude],
          ]) {
            const target = byId(`f-${button.dataset.locate}.${suffix}`);
            target.value = value.toFixed(6);
            notifyInput(target);
          }
        },
        () => say("現在地を取得できませんでした", "Could not get your location"),
      );
  }

  // --- One request per submit: a double click or a second Enter sends nothing more ---
  let release = null;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-runner],form[data-submit-once]")) {
      return;
    }
    if (release) {
      event.preventDefault();
      return;
    }
    const submitter = event.submitter;
    // A disabled button is not posted: carry the clicked one's name and value in a hidden input. Browsers
    // that cannot say which button was clicked keep their buttons enabled, so it is posted as usual.
    const buttons = submitter === undefined ? [] : form.querySelectorAll("[type=submit]:enabled");
    const copy = document.createElement("input");
    copy.type = "hidden";
    if (submitter?.name) {
      copy.name = submitter.name;
      copy.value = submitter.value;
      form.append(copy);
    }
    for (const button of buttons) {
      button.disabled = true;
    }
    const done = () => {
      release = null;
      copy.remove();
      for (const button of buttons) {
        button.disabled = false;
      }
    };
    release = done;
    setTimeout(() => release === done && done(), 5000);
  });
  // Back to this page from the browser's cache: the buttons work again at once.
  addEventListener("pageshow", (event) => event.persisted && release?.());

  document.querySelector(".error-summary[tabindex]")?.focus();
})();
