// Progressive enhancement of the report pages: a Leaflet map replaces the server-drawn tile grid. Without
// this script every page still works (the grid, plain links and forms).
(() => {
  const L = window.L;
  const pick = document.getElementById("report-picker");
  if (L && pick) {
    const d = pick.dataset;
    const chosen = d.lat ? [Number(d.lat), Number(d.lng)] : null;
    const target = document.createElement("div");
    target.className = "leaflet-target";
    target.setAttribute("role", "application");
    target.setAttribute("aria-label", d.label);
    pick.querySelector(".tile-grid-form")?.setAttribute("hidden", "");
    pick.prepend(target);
    const maxZoom = Number(d.maxZoom) || 18;
    const map = L.map(target, { maxZoom }).setView(
      chosen ?? [Number(d.clat), Number(d.clng)],
      Number(d.zoom),
    );
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom }).addTo(map);
    // A crosshair marks the centre that the keyboard button picks.
    const cross = document.createElement("div");
    cross.className = "map-crosshair";
    cross.setAttribute("aria-hidden", "true");
    target.append(cross);
    if (chosen) {
      L.marker(chosen, { keyboard: false }).addTo(map);
    }
    // A new point reloads the page so the server lists reports already made nearby.
    const go = (lat, lng) => {
      const url = new URL(d.action, location.href);
      url.searchParams.set("lat", lat.toFixed(6));
      url.searchParams.set("lng", lng.toFixed(6));
      url.searchParams.set("z", String(map.getZoom()));
      location.assign(url.toString());
    };
    map.on("click", (e) => {
      const p = e.latlng.wrap();
      go(p.lat, p.lng);
    });
    // Keyboard users move the map with the arrow keys and pick its centre: a click needs a pointer.
    const centre = document.getElementById("choose-centre");
    if (centre) {
      centre.hidden = false;
      document.getElementById("keyboard-hint")?.removeAttribute("hidden");
      centre.addEventListener("click", () => {
        const c = map.getCenter().wrap();
        go(c.lat, c.lng);
      });
    }
    const locate = document.getElementById("use-location");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", () => {
        locate.disabled = true;
        navigator.geolocation.getCurrentPosition(
          (p) => go(p.coords.latitude, p.coords.longitude),
          () => {
            locate.disabled = false;
            document.getElementById("locate-failed")?.removeAttribute("hidden");
          },
          { enableHighAccuracy: true, timeout: 15000 },
        );
      });
    }
  }
  const board = document.getElementById("report-map");
  if (L && board) {
    const d = board.dataset;
    const target = document.createElement("div");
    target.className = "leaflet-target";
    target.setAttribute("role", "region");
    target.setAttribute("aria-label", d.label);
    board.querySelector(".map-note")?.setAttribute("hidden", "");
    board.prepend(target);
    const map = L.map(target, { maxZoom: 18 }).setView([Number(d.clat), Number(d.clng)], Number(d.zoom));
    if (d.fit) {
      const [s, w, n, e] = d.fit.split(",").map(Number);
      map.fitBounds([
        [s, w],
        [n, e],
      ]);
    }
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);
    const layer = L.layerGroup().addTo(map);
    const labels = JSON.parse(d.stages);
    const load = async () => {
      const b = map.getBounds();
      const url = new URL("/reports/map.json", location.href);
      url.searchParams.set(
        "bbox",
        [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(6)).join(","),
      );
      url.searchParams.set("zoom", String(map.getZoom()));
      if (d.category) {
        url.searchParams.set("category", d.category);
      }
      const response = await fetch(url);
      if (!response.ok) {
        return;
      }
      const data = await response.json();
      layer.clearLayers();
      for (const f of data.features) {
        const [lng, lat] = f.geometry.coordinates;
        const p = f.properties;
        if (p.cluster) {
          const icon = L.divIcon({
            className: "map-cluster",
            html: `<span>${Number(p.count)}</span>`,
            iconSize: [36, 36],
          });
          L.marker([lat, lng], { icon, title: String(p.count) })
            .on("click", () => map.setView([lat, lng], Math.min(map.getZoom() + 3, 16)))
            .addTo(layer);
        } else {
          const icon = L.divIcon({ className: `map-pin stage-${p.stage}`, iconSize: [18, 18] });
          const link = document.createElement("a");
          link.href = p.url;
          link.textContent = `${p.categoryName}: ${p.statusLabel ?? labels[p.stage] ?? ""} (${p.reference})`;
          L.marker([lat, lng], { icon, title: `${p.categoryName} ${p.statusLabel}` })
            .bindPopup(link)
            .addTo(layer);
        }
      }
    };
    map.on("moveend", load);
    load();
  }
})();
