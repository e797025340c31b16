// Browser side of the agent's terminal: xterm.js speaking ttyd's protocol (subprotocol `tty`)
// over {BASE_PATH}/ttyd/ws. Every URL is relative to the page so the /s/{id}/ttyd/ prefix works.
(() => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const statusBox = document.getElementById('status');

  const term = new window.Terminal({
    cursorBlink: true,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: 14,
    scrollback: 10000,
  });
  const fit = new window.FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal'));
  fit.fit();
  term.focus();

  // ttyd's flow control: stop the pty while xterm.js is behind, so `cat bigfile` cannot swamp it.
  const flow = { limit: 100000, highWater: 10, lowWater: 4 };
  let written = 0;
  let pending = 0;
  let socket;
  let connected = false;

  const send = (text) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(encoder.encode(text));
  };

  const showStatus = (text) => {
    statusBox.textContent = text;
    statusBox.hidden = !text;
  };

  const writeOutput = (bytes) => {
    written += bytes.length;
    if (written <= flow.limit) {
      term.write(bytes);
      return;
    }
    written = 0;
    pending += 1;
    term.write(bytes, () => {
      pending = Math.max(pending - 1, 0);
      if (pending < flow.lowWater) send('3');
    });
    if (pending > flow.highWater) send('2');
  };

  const handleMessage = (event) => {
    const data = new Uint8Array(event.data);
    const payload = data.subarray(1);
    switch (String.fromCharCode(data[0])) {
      case '0':
        writeOutput(payload);
        break;
      case '1':
        document.title = decoder.decode(payload);
        break;
      case '2':
        for (const [key, value] of Object.entries(JSON.parse(decoder.decode(payload)))) {
          term.options[key] = value;
        }
        break;
    }
  };

  const connect = () => {
    const url = new URL('ws', window.location.href);
    url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '';
    socket = new WebSocket(url, ['tty']);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      connected = true;
      showStatus('');
      socket.send(encoder.encode(JSON.stringify({ AuthToken: '', columns: term.cols, rows: term.rows })));
    };
    socket.onmessage = handleMessage;
    socket.onclose = () => {
      connected = false;
      showStatus('Disconnected. Press Enter to reconnect (reload the page if the session link expired).');
    };
  };

  term.onData((data) => {
    if (!connected) {
      if (data === '\r') connect();
      return;
    }
    send(`0${data}`);
  });
  term.onResize(({ cols, rows }) => send(`1${JSON.stringify({ columns: cols, rows })}`));
  window.addEventListener('resize', () => fit.fit());

  connect();
})();
