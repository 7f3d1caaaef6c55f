;;; Landlock Lens for Emacs with eglot (built in since Emacs 29; `elpa-eglot' or GNU ELPA before).
(require 'eglot)
(add-to-list 'eglot-server-programs '(yaml-mode . ("landlock-lens" "lsp" "--stdio")))
(add-hook 'yaml-mode-hook #'eglot-ensure)
