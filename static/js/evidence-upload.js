// Resumable chunked evidence upload (evidence:upload page). Without scripts the form posts the file in one
// multipart request. With them: begin → PUT chunks at ?offset=N (the server answers 409 with the offset it
// expects, and the upload continues from there) → finish. The session id is kept in localStorage per case,
// file name, size and modification time, so choosing the same file again after a reload or a lost connection
// resumes where the server stands.
(function () {
  "use strict";
  var form = document.querySelector("form[data-evidence-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.Blob || !Blob.prototype.slice) return;

  var bar = form.querySelector("[data-bar]");
  var progressBox = form.querySelector("[data-progress]");
  var statusText = form.querySelector("[data-status]");
  var errorBox = form.querySelector("[data-error]");
  var startButton = form.querySelector("[data-start]");
  var pauseButton = form.querySelector("[data-pause]");
  var resumeButton = form.querySelector("[data-resume]");
  var abortButton = form.querySelector("[data-abort]");
  var fileInput = form.querySelector("input[type=file]");
  var chunkSize = parseInt(form.getAttribute("data-chunk-size"), 10) || 8 * 1024 * 1024;
  var maxSize = parseInt(form.getAttribute("data-max-size"), 10) || 4 * 1024 * 1024 * 1024;
  var caseId = form.getAttribute("data-case");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var MAX_RETRIES = 6;

  var state = { file: null, session: null, received: 0, paused: false, xhr: null, retries: 0, busy: false };

  function storageKey(file) {
    return "sx-evidence-upload:" + caseId + ":" + file.name + ":" + file.size + ":" + (file.lastModified || 0);
  }
  function remember(file, session) {
    try { localStorage.setItem(storageKey(file), JSON.stringify(session)); } catch (e) { /* private mode */ }
  }
  function recall(file) {
    try { return JSON.parse(localStorage.getItem(storageKey(file)) || "null"); } catch (e) { return null; }
  }
  function forget(file) {
    try { localStorage.removeItem(storageKey(file)); } catch (e) { /* ignore */ }
  }

  function show(el, visible) { if (el) el.hidden = !visible; }
  function megabytes(n) { return (n / 1048576).toFixed(1) + " MB"; }
  function setError(message) {
    errorBox.textContent = message || "";
    show(errorBox, !!message);
  }
  function setProgress(done, total, note) {
    show(progressBox, true);
    var percent = total ? Math.floor((done * 100) / total) : 0;
    bar.value = percent;
    bar.textContent = percent + "%";
    statusText.textContent = (note ? note + "：" : "") + megabytes(done) + " / " + megabytes(total) + "（" + percent + "%）";
  }
  function buttons(mode) {
    // mode: idle | running | paused
    startButton.disabled = mode !== "idle";
    show(pauseButton, mode === "running");
    show(resumeButton, mode === "paused");
    show(abortButton, mode !== "idle");
  }

  function request(method, url, body, headers, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      state.xhr = xhr;
      xhr.open(method, url, true);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      Object.keys(headers || {}).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded); };
      }
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText || "null"); } catch (e) { data = null; }
        resolve({ status: xhr.status, data: data });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.onabort = function () { reject(new Error("abort")); };
      xhr.send(body);
    });
  }

  function metadataForm(file) {
    var data = new FormData();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      data.append(el.name, el.value);
    });
    data.append("filename", file.name);
    data.append("size", String(file.size));
    data.append("content_type", file.type || "");
    return data;
  }

  function begin(file) {
    var saved = recall(file);
    if (saved && saved.status_url) {
      return request("GET", saved.status_url).then(function (r) {
        if (r.status === 200 && r.data) {
          return r.data;
        }
        forget(file);
        return begin(file);
      });
    }
    return request("POST", form.getAttribute("data-begin-url"), metadataForm(file)).then(function (r) {
      if (r.status !== 201 || !r.data) {
        throw new Error((r.data && r.data.message) || "无法开始上传（HTTP " + r.status + "）");
      }
      remember(file, r.data);
      return r.data;
    });
  }

  function sendNext() {
    if (state.paused) return Promise.resolve("paused");
    var file = state.file;
    var session = state.session;
    if (state.received >= file.size) return finish();
    var start = state.received;
    var end = Math.min(start + (session.chunk_size || chunkSize), file.size);
    var url = session.chunk_url + "?offset=" + start;
    return request("PUT", url, file.slice(start, end), { "Content-Type": "application/octet-stream" }, function (loaded) {
      setProgress(start + loaded, file.size, "正在上传");
    }).then(function (r) {
      if (r.status === 200 && r.data) {
        state.received = r.data.received;
        state.retries = 0;
      } else if (r.status === 409 && r.data && typeof r.data.expected === "number") {
        state.received = r.data.expected; // resume where the server stands
      } else if (r.status >= 500 || r.status === 0) {
        return retry();
      } else {
        throw new Error((r.data && r.data.message) || "上传失败（HTTP " + r.status + "）");
      }
      setProgress(state.received, file.size, "正在上传");
      return sendNext();
    }, function (err) {
      if (err.message === "abort") return "paused";
      return retry();
    });
  }

  function retry() {
    state.retries += 1;
    if (state.retries > MAX_RETRIES) {
      state.paused = true;
      buttons("paused");
      throw new Error("网络多次中断，上传已暂停。网络恢复后点击“继续”，将从已上传的位置接着上传。");
    }
    var wait = Math.min(30000, 1000 * Math.pow(2, state.retries - 1));
    statusText.textContent = "网络中断，" + Math.round(wait / 1000) + " 秒后重试（第 " + state.retries + " 次）";
    return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
      return request("GET", state.session.status_url).then(function (r) {
        if (r.status === 200 && r.data) state.received = r.data.received;
        return sendNext();
      }, function () { return retry(); });
    });
  }

  function finish() {
    setProgress(state.file.size, state.file.size, "正在校验（计算 SHA-256 与 SM3）");
    return request("POST", state.session.finish_url, null).then(function (r) {
      if (r.status === 201 && r.data && r.data.item_url) {
        forget(state.file);
        statusText.textContent = "上传完成，SHA-256 " + r.data.sha256.slice(0, 12) + "…";
        window.location.href = r.data.item_url;
        return "done";
      }
      throw new Error((r.data && r.data.message) || "完成上传失败（HTTP " + r.status + "）");
    });
  }

  function run() {
    state.busy = true;
    buttons("running");
    setError("");
    sendNext().then(function (result) {
      state.busy = false;
      if (result === "paused") {
        buttons("paused");
        statusText.textContent = "已暂停：" + megabytes(state.received) + " / " + megabytes(state.file.size);
      }
    }, function (err) {
      state.busy = false;
      setError(err.message);
      buttons(state.session ? "paused" : "idle");
      state.paused = true;
    });
  }

  form.addEventListener("submit", function (event) {
    var file = fileInput && fileInput.files && fileInput.files[0];
    if (!file) return; // let the server say the file is missing
    event.preventDefault();
    if (state.busy) return;
    if (file.size > maxSize) {
      setError("文件大小：单个文件不能超过 4 GB");
      return;
    }
    state.file = file;
    state.paused = false;
    state.retries = 0;
    setError("");
    buttons("running");
    setProgress(0, file.size, "正在准备");
    begin(file).then(function (session) {
      state.session = session;
      state.received = session.received || 0;
      run();
    }, function (err) {
      setError(err.message);
      buttons("idle");
    });
  });

  pauseButton.addEventListener("click", function () {
    state.paused = true;
    if (state.xhr) state.xhr.abort();
  });

  resumeButton.addEventListener("click", function () {
    if (!state.session) return;
    state.paused = false;
    state.retries = 0;
    request("GET", state.session.status_url).then(function (r) {
      if (r.status === 200 && r.data) {
        state.received = r.data.received;
        run();
      } else {
        setError((r.data && r.data.message) || "该上传已失效，请重新选择文件上传");
        forget(state.file);
        state.session = null;
        buttons("idle");
      }
    }, function () { setError("网络仍未恢复，请稍后再点“继续”"); });
  });

  abortButton.addEventListener("click", function () {
    state.paused = true;
    if (state.xhr) state.xhr.abort();
    if (!state.session) { buttons("idle"); return; }
    request("POST", state.session.abort_url, null).then(function () {
      forget(state.file);
      state.session = null;
      state.received = 0;
      show(progressBox, false);
      buttons("idle");
      statusText.textContent = "";
    }, function () { setError("取消失败：网络中断"); });
  });
})();
