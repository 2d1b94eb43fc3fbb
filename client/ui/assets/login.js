// SPDX-License-Identifier: ISC
// casesync ui: exchange the one-time secret in the URL's fragment (it
// never reaches the server in a request line) for the session cookie,
// once; then drop it from the address bar and the history.
(function () {
	"use strict";
	var secret = window.location.hash.slice(1);
	var msg = document.getElementById("login-msg");
	function say(text) {
		if (msg) {
			msg.textContent = text;
		}
	}
	window.history.replaceState(null, "", window.location.pathname);
	if (!secret) {
		return;
	}
	say("Aanmelden...");
	window.fetch("/login", {
		method: "POST",
		credentials: "same-origin",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: "secret=" + encodeURIComponent(secret)
	}).then(function (r) {
		if (r.ok) {
			window.location.replace("/");
		} else {
			say("Deze link is al gebruikt of ongeldig. Start " +
			    "casesync ui opnieuw voor een nieuwe link.");
		}
	}, function () {
		say("casesync ui is niet bereikbaar.");
	});
}());
