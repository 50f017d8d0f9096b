// Booking a caller in the admin: picking a record fills in its details and says whether the
// person is new or returning; changing the therapist narrows the service list to hers.
// Without this script the server does both on Save (booking/admin/forms.py).
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function readMap() {
    var data = byId("service-map");
    return data ? JSON.parse(data.textContent) : null;
  }

  function narrowServices(map, therapist, service) {
    var chosen = service.value;
    var offered = (map.offered[therapist.value] || []).map(String);
    var first = service.options[0];
    service.replaceChildren(first);
    map.services.forEach(function (pair) {
      var id = String(pair[0]);
      if (therapist.value && offered.indexOf(id) === -1) {
        return;
      }
      var option = new Option(pair[1], id);
      option.selected = id === chosen;
      service.add(option);
    });
  }

  function bookingStart() {
    var day = byId("id_start_0");
    var time = byId("id_start_1");
    if (!day || !time || !day.value || !time.value) {
      return "";
    }
    return day.value + "T" + time.value;
  }

  function announce(text) {
    var status = byId("patient-filled");
    if (!status) {
      var field = byId("id_patient").closest(".form-row") || byId("id_patient").parentNode;
      status = document.createElement("p");
      status.id = "patient-filled";
      status.className = "patient-filled";
      status.setAttribute("role", "status");
      field.appendChild(status);
    }
    status.textContent = text;
  }

  function setRadio(name, value) {
    var radio = document.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (radio) {
      radio.checked = true;
    }
  }

  function fill(details) {
    byId("id_patient_name").value = details.name;
    byId("id_patient_email").value = details.email;
    byId("id_patient_phone").value = details.phone;
    setRadio("is_new_patient", details.returning ? "False" : "True");
    var service = byId("id_service");
    var last = details.last_service && String(details.last_service);
    if (service && !service.value && last && service.querySelector('option[value="' + last + '"]')) {
      service.value = last;
    }
    announce(
      "Filled in from the record: " + details.name + ", " +
        (details.returning ? "a returning patient." : "a new patient (no visit yet).")
    );
  }

  function patientPicked(select, url) {
    if (!select.value) {
      return;
    }
    var address = url.replace(/\/0\/details\.json$/, "/" + select.value + "/details.json");
    var start = bookingStart();
    if (start) {
      address += "?before=" + encodeURIComponent(start);
    }
    fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (details) {
        if (details) {
          fill(details);
        }
      });
  }

  // The autocomplete's box carries the role "textbox" but no name of its own: give it the
  // field's label (axe: aria-input-field-name).
  function nameSearchBox() {
    var label = document.querySelector('label[for="id_patient"]');
    var box = byId("select2-id_patient-container");
    if (label && box) {
      label.id = label.id || "id_patient_label";
      box.setAttribute("aria-labelledby", label.id);
    }
  }

  function start() {
    var map = readMap();
    var therapist = byId("id_therapist");
    var service = byId("id_service");
    if (map && therapist && service) {
      therapist.addEventListener("change", function () {
        narrowServices(map, therapist, service);
      });
    }
    var patient = byId("id_patient");
    var endpoint = byId("patient-details-url");
    if (patient && endpoint) {
      var picked = function () {
        patientPicked(patient, endpoint.dataset.url);
      };
      // The admin's autocomplete announces a choice through its own jQuery, not a DOM event.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(patient).on("change", picked);
        window.django.jQuery(nameSearchBox); // after the admin's own ready handler built it
      } else {
        patient.addEventListener("change", picked);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
