// SPDX-License-Identifier: ISC
// casesync ui: the Sync page's progress while a sync runs (polled from
// /sync/status); the page is read again when it ends.  Everything else
// works without this script.
(function () {
	"use strict";
	var box = document.getElementById("sync-progress");
	if (!box) {
		return;
	}
	var bar = document.getElementById("sync-bar");
	var text = document.getElementById("sync-text");
	function num(n) {
		return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
	}
	function show(s) {
		var total = s.records_total > 0 ? s.records_total : 0;
		if (bar) {
			if (total > 0) {
				bar.max = total;
				bar.value = s.records;
			} else {
				bar.removeAttribute("value");
			}
		}
		if (text) {
			text.textContent = "Records: " + num(s.records) + " van " +
			    num(s.records_total) + ", bytes: " + num(s.bytes) +
			    " van " + num(s.bytes_total);
		}
	}
	function poll() {
		window.fetch("/sync/status", { credentials: "same-origin" })
		    .then(function (r) {
			if (!r.ok) {
				throw new Error("status " + r.status);
			}
			return r.json();
		}).then(function (s) {
			show(s);
			if (s.state === "running") {
				window.setTimeout(poll, 500);
			} else {
				window.location.replace("/sync");
			}
		}, function () {
			window.setTimeout(poll, 2000);
		});
	}
	if (box.getAttribute("data-state") === "running") {
		poll();
	}
}());
