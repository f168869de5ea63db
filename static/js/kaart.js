// The map of gebouwen (templates/includes/kaart.html, docs/kaart.md).
// Reads its data from the JSON block #kaart-data; builds every text with
// textContent, never from HTML strings, and sets no inline style attribute, so
// it runs under the Content-Security-Policy.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("kaart");
  const bron = document.getElementById("kaart-data");
  if (!element || !bron || typeof L === "undefined") {
    return;
  }
  const data = JSON.parse(bron.textContent);
  const teksten = data.teksten;

  const map = L.map(element, { scrollWheelZoom: false });
  if (data.tegels) {
    const laag = L.tileLayer(data.tegels.url, {
      maxZoom: 19,
      // The attribution control takes HTML: escape the configured text.
      attribution: escapeHtml(data.tegels.attributie),
    });
    let gemeld = false;
    laag.on("tileerror", () => {
      // The tile server is unreachable: a plain background, and say so once.
      element.classList.add("kaart-zonder-tegels");
      if (!gemeld) {
        gemeld = true;
        const melding = document.createElement("p");
        melding.className = "hint kaart-melding";
        melding.setAttribute("role", "status");
        melding.textContent = teksten.geen_tegels;
        element.after(melding);
      }
    });
    laag.addTo(map);
  } else {
    element.classList.add("kaart-zonder-tegels");
  }

  const punten = [];
  for (const gebouw of data.gebouwen) {
    const symbool = document.createElement("span");
    symbool.setAttribute("aria-hidden", "true");
    symbool.textContent = gebouw.symbool;
    const naam = `${gebouw.naam}: ${gebouw.oordeel}`;
    const icon = L.divIcon({
      className: `kaart-marker kaart-${gebouw.verdict}`,
      html: symbool,
      iconSize: [26, 26],
      iconAnchor: [13, 13],
      popupAnchor: [0, -12],
    });
    const marker = L.marker([gebouw.lat, gebouw.lng], {
      icon,
      title: naam,
      riseOnHover: true,
    });
    marker.on("add", () => {
      const el = marker.getElement();
      el.setAttribute("aria-label", naam);
      el.dataset.gebouw = gebouw.id;
      el.dataset.verdict = gebouw.verdict;
    });
    marker.bindPopup(() => popup(gebouw));
    marker.addTo(map);
    punten.push([gebouw.lat, gebouw.lng]);
  }
  if (punten.length) {
    map.fitBounds(punten, { padding: [30, 30], maxZoom: 15 });
  } else {
    // The Netherlands.
    map.setView([52.2, 5.3], 7);
  }

  function popup(gebouw) {
    const box = document.createElement("div");
    box.className = "kaart-popup";
    const kop = document.createElement("strong");
    kop.append(link(gebouw.url, gebouw.naam));
    box.append(kop, regel(gebouw.adres));
    box.append(
      regel(`${teksten.cooperatie}: `, gebouw.cooperatie || teksten.geen_cooperatie)
    );
    const oordeel = document.createElement("span");
    oordeel.className = `verdict verdict-${gebouw.verdict}`;
    oordeel.textContent = `${gebouw.symbool} ${gebouw.oordeel}`;
    const p = regel(`${teksten.oordeel}: `);
    p.append(oordeel);
    box.append(p);
    if (gebouw.dossier) {
      const p2 = document.createElement("p");
      p2.append(link(gebouw.dossier, teksten.dossier));
      box.append(p2);
    }
    return box;
  }

  function regel(...delen) {
    const p = document.createElement("p");
    p.append(...delen);
    return p;
  }

  function link(url, tekst) {
    if (!url) {
      return document.createTextNode(tekst);
    }
    const a = document.createElement("a");
    a.href = url;
    a.textContent = tekst;
    return a;
  }

  function escapeHtml(tekst) {
    const span = document.createElement("span");
    span.textContent = tekst;
    return span.innerHTML;
  }
});
