// Every page: choosing a language submits the language form (a script file, not an onchange=""
// attribute, which the Content-Security-Policy refuses).
(function () {
  "use strict";
  const choice = document.querySelector("#language-form select");
  if (choice) choice.addEventListener("change", () => choice.form.submit());
})();
