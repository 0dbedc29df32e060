document.querySelector("#app")!.textContent = "console";
