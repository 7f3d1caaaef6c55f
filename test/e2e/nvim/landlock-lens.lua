-- Landlock Lens for Neovim 0.7+ (built-in LSP client, no plugin needed).
-- Starts one `landlock-lens lsp --stdio` per working directory and attaches every YAML buffer to it.
local landlock_lens_clients = {}
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  callback = function(args)
    local root = vim.fn.getcwd()
    local id = landlock_lens_clients[root]
    if not id or vim.lsp.client_is_stopped(id) then
      id = vim.lsp.start_client({
        name = 'landlock-lens',
        cmd = { 'landlock-lens', 'lsp', '--stdio' },
        root_dir = root,
      })
      landlock_lens_clients[root] = id
    end
    if id then vim.lsp.buf_attach_client(args.buf, id) end
  end,
})
