-- Driven by nvim.test.ts after the documented config (landlock-lens.lua) was loaded as init file and
-- the policy opened: waits for the server's diagnostics, asks for a hover and for the code actions
-- on the diagnostic, and prints what the editor got as one JSON line (the test asserts on it).
-- Env: E2E_LINE / E2E_CHAR (0-based hover position), E2E_SETTINGS (JSON for workspace/configuration),
-- E2E_EXPECT_CODE (rule id to wait for), E2E_EXPECT_INSERT (text a code action should insert).
local function out(s) io.stdout:write(s .. '\n') end
local function fail(msg) out('FAIL: ' .. msg); vim.cmd('cquit 1') end
local bufnr = vim.api.nvim_get_current_buf()
local result = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch),
  filetype = vim.bo[bufnr].filetype }

-- Clients show up in buf_get_clients once their initialize handshake is done.
local client
vim.wait(10000, function()
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do if c.name == 'landlock-lens' then client = c end end
  return client ~= nil
end, 20)
if not client then return fail('the config attached no running landlock-lens client to ' .. vim.api.nvim_buf_get_name(bufnr) .. ' within 10 s (filetype ' .. vim.bo[bufnr].filetype .. ')') end
if os.getenv('E2E_SETTINGS') then
  -- What a user's `settings = { landlockLens = { ... } }` gives: answered to workspace/configuration.
  client.config.settings = vim.fn.json_decode(os.getenv('E2E_SETTINGS'))
  client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
end

local function lsp_code(d) return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) end
-- Wait for the expected rule (or give up after 15 s and report whatever is there).
local want_code = os.getenv('E2E_EXPECT_CODE') or 'shadowed-read-only'
vim.wait(15000, function()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do if lsp_code(d) == want_code then return true end end
  return false
end, 50)
result.diagnostics = {}
local target
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(result.diagnostics, { line = d.lnum, col = d.col, endLine = d.end_lnum, endCol = d.end_col,
    severity = d.severity, source = d.source, code = lsp_code(d), message = d.message })
  if lsp_code(d) == want_code then target = d end
end

local line, char = tonumber(os.getenv('E2E_LINE') or '0'), tonumber(os.getenv('E2E_CHAR') or '0')
local uri = vim.uri_from_bufnr(bufnr)
local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover',
  { textDocument = { uri = uri }, position = { line = line, character = char } }, 10000)
if not res then return fail('hover timed out') end
for _, r in pairs(res) do
  if r.err then return fail('hover error ' .. vim.inspect(r.err)) end
  local c = r.result and r.result.contents
  result.hover = type(c) == 'table' and (c.value or vim.inspect(c)) or tostring(c)
end

if target then
  local lsp = target.user_data and target.user_data.lsp or {
    range = { start = { line = target.lnum, character = target.col }, ['end'] = { line = target.end_lnum, character = target.end_col } },
    message = target.message, code = lsp_code(target), severity = target.severity, source = target.source }
  local params = { textDocument = { uri = uri }, range = lsp.range, context = { diagnostics = { lsp } } }
  local function fetch()
    local actions = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000)
    if not actions then return nil, 'codeAction timed out' end
    local list = {}
    for _, r in pairs(actions) do
      if r.err then return nil, 'codeAction error ' .. vim.inspect(r.err) end
      for _, a in ipairs(r.result or {}) do
        -- The inserted text of the action's edit, to check what applying it would write.
        local texts = {}
        for _, edits in pairs((a.edit and a.edit.changes) or {}) do
          for _, e in ipairs(edits) do table.insert(texts, e.newText) end
        end
        for _, dc in ipairs((a.edit and a.edit.documentChanges) or {}) do
          for _, e in ipairs(dc.edits or {}) do table.insert(texts, e.newText) end
        end
        table.insert(list, { title = a.title, kind = a.kind, editText = table.concat(texts, '\n') })
      end
    end
    return list
  end
  -- The settings reach the server asynchronously (workspace/configuration), so ask again until an
  -- action inserts E2E_EXPECT_INSERT (or any action exists), for at most 10 s.
  local want_insert = os.getenv('E2E_EXPECT_INSERT')
  local function satisfied(list)
    for _, a in ipairs(list) do
      if not want_insert or a.editText:find(want_insert, 1, true) then return true end
    end
    return false
  end
  local deadline = vim.loop.hrtime() + 10e9
  while true do
    local list, err = fetch()
    if not list then return fail(err) end
    result.codeActions = list
    if satisfied(list) or vim.loop.hrtime() > deadline then break end
    vim.wait(100) -- poll interval
  end
end

vim.lsp.stop_client(client.id)
vim.wait(3000, function() return vim.lsp.client_is_stopped(client.id) end, 50)
result.stopped = vim.lsp.client_is_stopped(client.id)
out('RESULT ' .. vim.fn.json_encode(result))
vim.cmd('qa!')
