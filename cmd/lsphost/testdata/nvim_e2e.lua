-- nvim_e2e.lua drives lsphost from Neovim's built-in LSP client for
-- TestNeovim (nvim_test.go). Run it as
--
--   LSPHOST_NVIM_PARAMS=params.json nvim --headless --clean -u NONE -c 'luafile nvim_e2e.lua'
--
-- params.json names the server command, the workspace, the file to open, the
-- completion position and where to write the result. The script opens the
-- file, starts and attaches the client, waits for the todo diagnostic,
-- requests completion, stops the client, and writes what it saw as JSON.
-- It never checks expectations itself: the Go test does, so that a failure
-- shows everything that was observed. Every wait is vim.wait on a condition
-- with a timeout, never a sleep. Any Lua error is recorded in the result and
-- makes Neovim exit with code 1.
--
-- Written against Neovim 0.7 (Debian bookworm), whose client functions are
-- called with a dot (client.request_sync), not as methods.

local obs = {
  error = vim.NIL,
  lsp_log = vim.NIL, -- path of Neovim's LSP log
  initialized = false,
  server_name = vim.NIL,
  published = {}, -- raw textDocument/publishDiagnostics params, in order
  diagnostics = {}, -- vim.diagnostic.get(buf) once the todo diagnostic is there
  completion = vim.NIL,
  messages = {}, -- window/showMessage params
  log_messages = {}, -- window/logMessage params
  exited = false,
  exit_code = vim.NIL,
  exit_signal = vim.NIL,
  stopped = false, -- client.is_stopped() after exit
}

local params

local function read_params()
  local path = assert(os.getenv('LSPHOST_NVIM_PARAMS'), 'LSPHOST_NVIM_PARAMS is not set')
  local f = assert(io.open(path, 'r'))
  local p = vim.json.decode(f:read('*a'))
  f:close()
  return p
end

local function write_result()
  local f = assert(io.open(params.result, 'w'))
  f:write(vim.json.encode(obs))
  f:close()
end

-- wait waits until cond() is true, or fails naming what it waited for.
local function wait(what, cond)
  local ok, reason = vim.wait(params.timeout_ms, cond, 10)
  if not ok then
    error(string.format('timed out after %d ms waiting for %s (vim.wait: %s)', params.timeout_ms, what, tostring(reason)))
  end
end

local function main()
  vim.lsp.set_log_level(params.log_level)
  obs.lsp_log = vim.lsp.get_log_path()

  vim.o.swapfile = false
  vim.cmd('edit ' .. vim.fn.fnameescape(params.file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = params.filetype

  local diag_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  local client_id = vim.lsp.start_client({
    name = 'lsphost',
    cmd = params.cmd,
    cmd_env = params.cmd_env,
    root_dir = params.root,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        table.insert(obs.published, result)
        return diag_handler(err, result, ctx, config)
      end,
      ['window/showMessage'] = function(_, result)
        table.insert(obs.messages, result)
      end,
      ['window/logMessage'] = function(_, result)
        table.insert(obs.log_messages, result)
      end,
    },
    on_init = function(_, result)
      if result.serverInfo then
        obs.server_name = result.serverInfo.name
      end
    end,
    on_exit = function(code, signal)
      -- Runs in a libuv callback: only record.
      obs.exit_code, obs.exit_signal, obs.exited = code, signal, true
    end,
  })
  if not client_id then
    error('vim.lsp.start_client failed: ' .. vim.inspect(params.cmd))
  end
  if not vim.lsp.buf_attach_client(buf, client_id) then
    error('vim.lsp.buf_attach_client failed')
  end

  -- get_client_by_id returns the client only once initialize is answered.
  wait('initialize', function()
    return vim.lsp.get_client_by_id(client_id) ~= nil or obs.exited
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  if not client then
    error(string.format('the server exited during initialize: code %s, signal %s', obs.exit_code, obs.exit_signal))
  end
  obs.initialized = true

  wait('a diagnostic from source ' .. params.diagnostic_source, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == params.diagnostic_source then
        return true
      end
    end
    return obs.exited
  end)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(obs.diagnostics, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      source = d.source,
      message = d.message,
    })
  end

  local resp, err = client.request_sync('textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = params.position,
    context = { triggerKind = 1 }, -- Invoked
  }, params.timeout_ms, buf)
  if not resp then
    error('textDocument/completion: ' .. tostring(err))
  end
  local completion = { err = resp.err or vim.NIL, labels = {}, kinds = {}, is_incomplete = false }
  local items = resp.result or {}
  if items.items then -- a CompletionList rather than CompletionItem[]
    completion.is_incomplete = items.isIncomplete or false
    items = items.items
  end
  for _, item in ipairs(items) do
    table.insert(completion.labels, item.label)
    table.insert(completion.kinds, item.kind or vim.NIL)
  end
  obs.completion = completion

  client.stop()
  wait('the server to exit', function()
    return obs.exited
  end)
  obs.stopped = client.is_stopped()
end

local ok, err = pcall(function()
  params = read_params()
  main()
end)
if not ok then
  obs.error = tostring(err)
end
local wrote, werr = pcall(write_result)
if not wrote then
  io.stderr:write('nvim_e2e.lua: writing the result: ' .. tostring(werr) .. '\n')
end
if ok and wrote then
  vim.cmd('qa!')
else
  io.stderr:write('nvim_e2e.lua: ' .. tostring(obs.error) .. '\n')
  vim.cmd('cquit 1')
end
