// NsqAspire admin: the only script. Runs admin actions after a confirmation, draws the live rate charts from
// /api/rates, and keeps the counter page counting from /api/counter. No framework, no CDN.
(function () {
  "use strict";

  // --- actions ------------------------------------------------------------------------------------------------
  function flash(text, kind) {
    var el = document.getElementById("flash");
    if (!el || !text) return;
    el.textContent = text;
    el.className = "alert " + (kind || "");
    el.hidden = false;
  }

  var pending = sessionStorage.getItem("nsqadmin.flash");
  if (pending) {
    sessionStorage.removeItem("nsqadmin.flash");
    flash(pending, "");
  }

  // One action at a time: the buttons stay disabled until the page reloads (or the action failed).
  function busy(on) {
    document.querySelectorAll("button.action").forEach(function (b) { b.disabled = on; });
  }

  async function run(method, url, body, redirect) {
    busy(true);
    var init = { method: method, headers: { "Accept": "application/json" } };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = body;
    }
    var res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      flash("Request failed: " + e.message, "error");
      busy(false);
      return;
    }
    var json = await res.json().catch(function () { return { message: res.statusText }; });
    if (!res.ok) {
      flash(json.message || ("HTTP " + res.status), "error");
      busy(false);
      return;
    }
    sessionStorage.setItem("nsqadmin.flash", json.message || "Done.");
    if (redirect) location.assign(redirect); else location.reload();
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-url]");
    if (!b) return;
    e.preventDefault();
    if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
    run(b.dataset.method || "POST", b.dataset.url, b.dataset.body || null, b.dataset.redirect || null);
  });

  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-create]");
    if (!form) return;
    e.preventDefault();
    var topic = form.elements.topic.value.trim();
    var channel = form.elements.channel.value.trim();
    var what = channel ? "channel " + channel + " of topic " + topic : "topic " + topic;
    if (!window.confirm("Create " + what + "?")) return;
    var body = { topic: topic };
    if (channel) body.channel = channel;
    run("POST", "/api/topics", JSON.stringify(body), "/topics/" + encodeURIComponent(topic));
  });

  // The channel settings form: only the fields the operator changed are sent (nsqd changes only the settings a body
  // names), so a field that differs between nodes and is left empty stays as each node has it.
  document.addEventListener("submit", function (e) {
    var form = e.target.closest("form[data-channel-config]");
    if (!form) return;
    e.preventDefault();
    var body = {}, changed = 0, invalid = null;
    Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
      if (input.value === input.defaultValue) return;
      var value = input.value.trim();
      if (input.type === "number") {
        if (value !== "" && !/^\d+$/.test(value)) invalid = invalid || input.name;
        body[input.name] = value === "" ? 0 : parseInt(value, 10);   // empty turns it off, as 0 does
      } else {
        body[input.name] = value;
      }
      changed++;
    });
    if (invalid) {
      flash(invalid + ": a whole number, 0 or more", "error");
      return;
    }
    if (!changed) {
      flash("Nothing changed.", "");
      return;
    }
    if (!window.confirm(form.dataset.confirm)) return;
    run("POST", form.dataset.url, JSON.stringify(body), null);
  });

  // --- charts -------------------------------------------------------------------------------------------------
  var colors = { publish: "#2463eb", consume: "#16a34a", depth: "#f59e0b" };

  function draw(canvas, points) {
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
    canvas.width = w * ratio;
    canvas.height = h * ratio;
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var pad = { l: 48, r: 48, t: 8, b: 18 };
    var maxRate = 1, maxDepth = 1;
    points.forEach(function (p) {
      maxRate = Math.max(maxRate, p.publish, p.consume);
      maxDepth = Math.max(maxDepth, p.depth);
    });
    g.strokeStyle = "#e3e7ee";
    g.fillStyle = "#6b7280";
    g.font = "11px sans-serif";
    for (var i = 0; i <= 4; i++) {
      var y = pad.t + (h - pad.t - pad.b) * i / 4;
      g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke();
      g.fillText((maxRate * (1 - i / 4)).toFixed(1), 4, y + 4);
      g.fillText(Math.round(maxDepth * (1 - i / 4)).toString(), w - pad.r + 4, y + 4);
    }
    if (points.length < 2) {
      g.fillText("collecting samples…", pad.l + 8, h / 2);
      return;
    }
    var t0 = points[0].unix_ms, t1 = points[points.length - 1].unix_ms;
    function x(p) { return pad.l + (w - pad.l - pad.r) * (p.unix_ms - t0) / Math.max(1, t1 - t0); }
    function line(field, max) {
      g.strokeStyle = colors[field];
      g.lineWidth = 2;
      g.beginPath();
      points.forEach(function (p, k) {
        var y = pad.t + (h - pad.t - pad.b) * (1 - p[field] / max);
        if (k === 0) g.moveTo(x(p), y); else g.lineTo(x(p), y);
      });
      g.stroke();
    }
    line("depth", maxDepth);
    line("consume", maxRate);
    line("publish", maxRate);
  }

  function poll(fig) {
    var url = "/api/rates?topic=" + encodeURIComponent(fig.dataset.topic);
    if (fig.dataset.channel) url += "&channel=" + encodeURIComponent(fig.dataset.channel);
    var delay = 2000;
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        delay = Math.max(500, Math.min(5000, body.interval_ms || 2000));
        var points = body.points || [];
        draw(fig.querySelector("canvas"), points);
        fig.dataset.points = points.length;
        var last = points[points.length - 1];
        if (!last) return;
        fig.dataset.publishRate = last.publish;
        fig.dataset.consumeRate = last.consume;
        fig.dataset.depth = last.depth;
        fig.querySelector('[data-field="publish"]').textContent = last.publish.toFixed(1);
        fig.querySelector('[data-field="consume"]').textContent = last.consume.toFixed(1);
        fig.querySelector('[data-field="depth"]').textContent = last.depth.toLocaleString("en-US");
      })
      .catch(function () { /* next poll retries */ })
      .finally(function () { setTimeout(function () { poll(fig); }, delay); });
  }

  document.querySelectorAll("figure[data-chart]").forEach(poll);

  // --- live tables ------------------------------------------------------------------------------------------
  // Regions marked data-live are re-rendered by the server every few seconds (the page fetched again, those regions
  // swapped), so the tables move with the charts without a reload.
  var live = document.querySelectorAll("[data-live]");
  if (live.length) {
    (function refresh() {
      setTimeout(function () {
        fetch(location.href, { headers: { "Accept": "text/html" } })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (!html) return;
            var doc = new DOMParser().parseFromString(html, "text/html");
            document.querySelectorAll("[data-live]").forEach(function (el) {
              var fresh = doc.querySelector('[data-live="' + el.dataset.live + '"]');
              if (fresh) el.innerHTML = fresh.innerHTML;
            });
          })
          .catch(function () { /* next refresh retries */ })
          .finally(refresh);
      }, 3000);
    })();
  }

  // --- counter ------------------------------------------------------------------------------------------------
  var counter = document.querySelector("[data-counter]");
  if (counter) {
    var last = null;
    (function tick() {
      fetch("/api/counter", { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) return;
          var now = Date.now();
          if (last) {
            var rate = Math.max(0, (body.total - last.total) * 1000 / Math.max(1, now - last.at));
            counter.querySelector('[data-field="counter-rate"]').textContent = rate.toFixed(1);
          }
          last = { total: body.total, at: now };
          counter.dataset.count = body.total;
          counter.querySelector(".count").textContent = body.total.toLocaleString("en-US");
        })
        .catch(function () { /* next tick retries */ })
        .finally(function () { setTimeout(tick, 1000); });
    })();
  }
})();
