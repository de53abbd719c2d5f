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
  published = {}, -- raw textDocument/publishDiagnostics params, in order, until the edits
  later_published = {}, -- the same after the script starts editing
  hover = vim.NIL, -- the hover result over the TODO
  fix_title = vim.NIL, -- the quick fix applied for the trailing whitespace
  after_fix = vim.NIL, -- the buffer's lines after the fix
  after_format = vim.NIL, -- the buffer's lines after formatting
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
local editing = false

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
        table.insert(editing and obs.later_published or obs.published, result)
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

  local uri = vim.uri_from_bufnr(buf)
  local function request(method, p)
    local r, rerr = client.request_sync(method, p, params.timeout_ms, buf)
    if not r then
      error(method .. ': ' .. tostring(rerr))
    end
    if r.err then
      error(method .. ': ' .. vim.inspect(r.err))
    end
    return r.result
  end

  obs.hover = request('textDocument/hover', { textDocument = { uri = uri }, position = params.hover_position }) or vim.NIL

  -- Type trailing spaces on the first line, as a user would, and take the
  -- whitespace extension's quick fix for them.
  editing = true
  local first = vim.api.nvim_buf_get_lines(buf, 0, 1, true)[1]
  vim.api.nvim_buf_set_text(buf, 0, #first, 0, #first, { '   ' })
  local problem
  wait('a whitespace diagnostic', function()
    local last = obs.later_published[#obs.later_published]
    for _, d in ipairs(last and last.diagnostics or {}) do
      if d.source == 'whitespace' then
        problem = d
        return true
      end
    end
    return obs.exited
  end)
  local actions = request('textDocument/codeAction', {
    textDocument = { uri = uri },
    range = problem.range,
    context = { diagnostics = { problem }, only = { 'quickfix' } },
  }) or {}
  for _, a in ipairs(actions) do
    if a.kind == 'quickfix' and a.edit then
      obs.fix_title = a.title
      vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
      break
    end
  end
  obs.after_fix = vim.api.nvim_buf_get_lines(buf, 0, -1, true)

  -- Trailing tabs on the second line, then format the document.
  local second = vim.api.nvim_buf_get_lines(buf, 1, 2, true)[1]
  vim.api.nvim_buf_set_text(buf, 1, #second, 1, #second, { '\t\t' })
  local edits = request('textDocument/formatting', {
    textDocument = { uri = uri },
    options = { tabSize = 4, insertSpaces = true },
  }) or {}
  vim.lsp.util.apply_text_edits(edits, buf, client.offset_encoding)
  obs.after_format = vim.api.nvim_buf_get_lines(buf, 0, -1, true)

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
