;;; Driven by emacs.test.ts: emacs -Q --batch -l check.el
;;; Loads the documented config (landlock-lens.el), opens the policy, waits for eglot's flymake
;;; diagnostics, asks for a hover and for the code actions on the diagnostic, and prints what Emacs
;;; got as one JSON line (the test asserts on it).
;;; Env: E2E_CONFIG, E2E_FILE, E2E_LINE / E2E_CHAR (0-based hover position). Settings come from the
;;; workspace's .dir-locals.el, as documented.
(require 'package)
;; -Q leaves Debian's system package directory out; Debian's elpa-eglot and elpa-yaml-mode live there.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'json)
(defun lt-out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun lt-fail (msg) (lt-out "FAIL: %s" msg) (kill-emacs 1))
(setq eglot-sync-connect t)

(load (getenv "E2E_CONFIG") nil t)
(find-file (getenv "E2E_FILE"))
(unless (derived-mode-p 'yaml-mode) (lt-fail (format "%s opened in %s, not yaml-mode" buffer-file-name major-mode)))
;; eglot-ensure connects from `post-command-hook'; batch Emacs has no command loop, so run the hook
;; once, as the first command after opening the file would.
(run-hooks 'post-command-hook)
(unless (eglot-current-server) (lt-fail "the config started no eglot server for this buffer"))

(defun lt-edit-text (edit)
  "The inserted text of a WorkspaceEdit, to check what applying it would write."
  (let (texts)
    (cl-loop for (_uri edits) on (plist-get edit :changes) by #'cddr
             do (mapc (lambda (e) (push (plist-get e :newText) texts)) edits))
    (mapc (lambda (dc) (mapc (lambda (e) (push (plist-get e :newText) texts)) (plist-get dc :edits)))
          (plist-get edit :documentChanges))
    (mapconcat #'identity (nreverse texts) "\n")))
(defun lt-diags () (flymake-diagnostics (point-min) (point-max)))
(defvar lt-want-code (or (getenv "E2E_EXPECT_CODE") "shadowed-read-only"))
(defun lt-target ()
  (seq-find (lambda (d) (string-match-p (regexp-quote (format "[%s]" lt-want-code)) (flymake-diagnostic-text d)))
            (lt-diags)))
;; Wait for the expected rule (or give up after 15 s and report whatever is there).
(let ((deadline (+ (float-time) 15)))
  (while (and (null (lt-target)) (< (float-time) deadline))
    (accept-process-output nil 0.05)))

(let* ((diags (lt-diags))
       (target (lt-target))
       (result
        (list :emacs emacs-version
              :eglot (if (fboundp 'eglot--version) (eglot--version) "1.9")
              :diagnostics
              (vconcat (mapcar (lambda (d)
                                 (list :line (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                                       :type (symbol-name (flymake-diagnostic-type d))
                                       :text (flymake-diagnostic-text d)))
                               diags)))))
  (goto-char (point-min))
  (forward-line (string-to-number (or (getenv "E2E_LINE") "0")))
  (forward-char (string-to-number (or (getenv "E2E_CHAR") "0")))
  (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover (eglot--TextDocumentPositionParams))))
    (setq result (plist-put result :hover (let ((c (plist-get hover :contents))) (if (stringp c) c (plist-get c :value))))))
  (when target
    ;; The same request M-x eglot-code-actions sends for the diagnostic's region. The settings reach
    ;; the server asynchronously (workspace/configuration), so ask again until an action inserts
    ;; E2E_EXPECT_INSERT (or any action exists), for at most 10 s.
    (let ((want (getenv "E2E_EXPECT_INSERT"))
          (deadline (+ (float-time) 10))
          list)
      (while (progn
               (setq list (mapcar (lambda (a) (list :title (plist-get a :title) :kind (plist-get a :kind)
                                                    :editText (lt-edit-text (plist-get a :edit))))
                                  (eglot-code-actions (flymake-diagnostic-beg target) (flymake-diagnostic-end target))))
               (and (not (seq-some (lambda (a) (or (null want) (string-search want (plist-get a :editText)))) list))
                    (< (float-time) deadline)))
        (accept-process-output nil 0.1)) ; poll interval
      (setq result (plist-put result :codeActions (vconcat list)))))
  (eglot-shutdown (eglot-current-server))
  (let ((json-encoding-pretty-print nil))
    (lt-out "RESULT %s" (json-encode result))))
(kill-emacs 0)
