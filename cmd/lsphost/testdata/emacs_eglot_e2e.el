;;; emacs_eglot_e2e.el --- drive lsphost from eglot for TestEmacs  -*- lexical-binding: t -*-
;;
;; Run it as
;;
;;   LSPHOST_EMACS_PARAMS=params.json emacs --batch -q -l emacs_eglot_e2e.el
;;
;; (-q, not -Q: Debian's site-start puts the elpa-eglot package on the
;; load-path). params.json names the server command, the workspace, the file
;; to open, the completion position and where to write the result. The
;; script opens the file, connects eglot, waits for the todo diagnostic to
;; reach Flymake, asks for completion (the raw request and eglot's
;; completion-at-point), shuts the server down with shutdown and exit, waits
;; for it to exit by itself, and writes what it saw as JSON. It never checks
;; expectations itself: the Go test does (emacs_test.go). Every wait is an
;; accept-process-output loop on a condition with a deadline, never a sleep.
;; Any error is recorded in the result and makes Emacs exit with code 1.
;;
;; Written against Emacs 28.2 and eglot 1.9 (Debian bookworm).

(require 'cl-lib)
(require 'json)
(require 'subr-x)
(require 'lisp-mnt)

(defvar lsphost-e2e-obs
  (list (cons 'error nil)
        (cons 'eglot_missing :json-false)
        (cons 'eglot_version nil)
        (cons 'initialized :json-false)
        (cons 'server_name nil)
        (cons 'completion_capable :json-false)
        (cons 'published [])      ; raw publishDiagnostics params, in order
        (cons 'diagnostics [])    ; Flymake's diagnostics once the todo one is there
        (cons 'completion nil)    ; the raw textDocument/completion answer
        (cons 'capf nil)          ; completion-at-point candidates
        (cons 'messages [])       ; window/showMessage params
        (cons 'shutdown_reply nil)
        (cons 'exited :json-false)
        (cons 'process_status nil)
        (cons 'exit_code nil)
        (cons 'managed_after_exit nil))
  "What the script observed, written to the result file as JSON.")

(defvar lsphost-e2e-params nil)

(defun lsphost-e2e-set (key value)
  (setcdr (assq key lsphost-e2e-obs) value))

(defun lsphost-e2e-get (key)
  (cdr (assq key lsphost-e2e-obs)))

(defun lsphost-e2e-param (key)
  (plist-get lsphost-e2e-params key))

(defun lsphost-e2e-append (key value)
  (lsphost-e2e-set key (vconcat (lsphost-e2e-get key) (vector value))))

(defun lsphost-e2e-wait (what pred)
  "Wait until PRED returns non-nil, or signal an error naming WHAT."
  (let* ((secs (/ (lsphost-e2e-param :timeout_ms) 1000.0))
         (deadline (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall pred)
        (error "Timed out after %.1f s waiting for %s" secs what))))

(defun lsphost-e2e-write-result ()
  (let ((coding-system-for-write 'utf-8-unix)
        (json-encoding-pretty-print nil))
    (with-temp-file (lsphost-e2e-param :result)
      (insert (json-encode lsphost-e2e-obs)))))

(defun lsphost-e2e-save-buffers ()
  "Save eglot's events and stderr buffers and *Messages* for the Go test's failure log."
  (let ((coding-system-for-write 'utf-8-unix))
    (dolist (b (buffer-list))
      (let ((name (buffer-name b)))
        (when (string-match-p "EGLOT\\|\\*Messages\\*" name)
          (with-current-buffer b
            (write-region (point-min) (point-max)
                          (expand-file-name
                           (concat (replace-regexp-in-string "[^A-Za-z0-9_.-]+" "_" name) ".txt")
                           (lsphost-e2e-param :buffers_dir))
                          nil 'silent)))))))

(defun lsphost-e2e-flymake-todo ()
  "Flymake's diagnostics if one of them comes from the todo extension."
  (let ((ds (flymake-diagnostics))
        (prefix (concat (lsphost-e2e-param :diagnostic_source) ": ")))
    (and (cl-some (lambda (d) (string-prefix-p prefix (flymake-diagnostic-text d))) ds)
         ds)))

(defun lsphost-e2e-main ()
  (setq lsphost-e2e-params
        (let ((json-object-type 'plist)
              (json-array-type 'list)
              (json-key-type 'keyword))
          (json-read-file (or (getenv "LSPHOST_EMACS_PARAMS")
                              (error "LSPHOST_EMACS_PARAMS is not set")))))
  (unless (require 'eglot nil t)
    (lsphost-e2e-set 'eglot_missing t)
    (error "eglot is not installed (Debian: elpa-eglot)"))
  (require 'flymake)
  (lsphost-e2e-set 'eglot_version
                   (or (ignore-errors
                         (with-temp-buffer
                           (insert-file-contents (find-library-name "eglot"))
                           (lm-version)))
                       "unknown"))

  ;; Record what the server sends, then let eglot handle it as usual.
  (cl-defmethod eglot-handle-notification :before
    (_server (_method (eql textDocument/publishDiagnostics)) &rest params)
    (lsphost-e2e-append 'published params))
  (cl-defmethod eglot-handle-notification :before
    (_server (_method (eql window/showMessage)) &rest params)
    (lsphost-e2e-append 'messages params))

  (let* ((root (file-name-as-directory (lsphost-e2e-param :root)))
         (step (/ (lsphost-e2e-param :timeout_ms) 1000.0))
         (pos (lsphost-e2e-param :position))
         server proc)
    (setq eglot-server-programs (list (cons '(text-mode) (lsphost-e2e-param :cmd)))
          ;; The workspace is the project, whatever surrounds it.
          project-find-functions (list (lambda (_dir) (cons 'transient root)))
          eglot-sync-connect nil
          eglot-connect-timeout (ceiling step)
          eglot-autoreconnect nil
          eglot-events-buffer-size 10000000)

    (find-file (lsphost-e2e-param :file))
    (unless (eq major-mode 'text-mode)
      (error "%s opened in %s, want text-mode" (lsphost-e2e-param :file) major-mode))
    (eglot-ensure)
    (run-hooks 'post-command-hook) ; eglot-ensure connects from post-command-hook
    (lsphost-e2e-wait "eglot to connect (initialize)"
                      (lambda () (and eglot--managed-mode (eglot-current-server))))
    (setq server (eglot-current-server)
          proc (jsonrpc--process server))
    (lsphost-e2e-set 'initialized t)
    (lsphost-e2e-set 'server_name (plist-get (eglot--server-info server) :name))
    (lsphost-e2e-set 'completion_capable
                     (if (eglot--server-capable :completionProvider) t :json-false))

    ;; The diagnostic as Flymake has it (eglot reports from an idle timer).
    (let ((last-nudge (float-time)))
      (lsphost-e2e-wait (format "a Flymake diagnostic from source %s" (lsphost-e2e-param :diagnostic_source))
                        (lambda ()
                          (or (lsphost-e2e-flymake-todo)
                              (progn
                                ;; Published but not yet shown: ask Flymake again, at most once a second.
                                (when (and (> (length (lsphost-e2e-get 'published)) 0)
                                           (> (- (float-time) last-nudge) 1))
                                  (setq last-nudge (float-time))
                                  (flymake-start))
                                nil)))))
    (lsphost-e2e-set
     'diagnostics
     (vconcat
      (mapcar (lambda (d)
                (let ((beg (flymake-diagnostic-beg d))
                      (end (flymake-diagnostic-end d)))
                  (save-excursion
                    (list (cons 'line (line-number-at-pos beg)) ; 1-based
                          (cons 'beg_char (progn (goto-char beg) (- beg (line-beginning-position))))
                          (cons 'beg_lsp_column (progn (goto-char beg) (eglot-lsp-abiding-column)))
                          (cons 'end_line (line-number-at-pos end))
                          (cons 'end_char (progn (goto-char end) (- end (line-beginning-position))))
                          (cons 'end_lsp_column (progn (goto-char end) (eglot-lsp-abiding-column)))
                          (cons 'region (buffer-substring-no-properties beg end))
                          (cons 'type (symbol-name (flymake-diagnostic-type d)))
                          (cons 'text (flymake-diagnostic-text d))))))
              (sort (flymake-diagnostics)
                    (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))))

    ;; Completion: the raw request, at the position the test names.
    (let* ((resp (jsonrpc-request server :textDocument/completion
                                  (list :textDocument (eglot--TextDocumentIdentifier)
                                        :position (list :line (plist-get pos :line)
                                                        :character (plist-get pos :character))
                                        :context (list :triggerKind 1))
                                  :timeout step))
             (items (if (vectorp resp) resp (plist-get resp :items))))
      (lsphost-e2e-set
       'completion
       (list (cons 'labels (vconcat (mapcar (lambda (i) (plist-get i :label)) items)))
             (cons 'kinds (vconcat (mapcar (lambda (i) (plist-get i :kind)) items)))
             (cons 'is_incomplete (if (and (not (vectorp resp)) (eq (plist-get resp :isIncomplete) t))
                                      t :json-false)))))

    ;; Completion as users get it: completion-at-point at the same place.
    (goto-char (point-min))
    (forward-line (plist-get pos :line))
    (end-of-line)
    (let ((capf (eglot-completion-at-point)))
      (unless capf (error "eglot-completion-at-point returned nil"))
      (lsphost-e2e-set
       'capf
       (vconcat (mapcar #'substring-no-properties
                        (all-completions (buffer-substring-no-properties (nth 0 capf) (nth 1 capf))
                                         (nth 2 capf))))))

    ;; Shutdown as eglot-shutdown does it, but let the server exit by itself:
    ;; Emacs 28's jsonrpc-shutdown kills the process right after exit.
    (setf (eglot--shutdown-requested server) t)
    (lsphost-e2e-set 'shutdown_reply (jsonrpc-request server :shutdown nil :timeout step))
    (jsonrpc-notify server :exit nil)
    (lsphost-e2e-wait "the server to exit"
                      (lambda () (memq (process-status proc) '(exit signal))))
    (lsphost-e2e-set 'exited t)
    (lsphost-e2e-set 'process_status (symbol-name (process-status proc)))
    (lsphost-e2e-set 'exit_code (process-exit-status proc))
    ;; jsonrpc's sentinel tells eglot, which stops managing the buffer.
    (lsphost-e2e-wait "eglot to notice the exit" (lambda () (not eglot--managed-mode)))
    (lsphost-e2e-set 'managed_after_exit :json-false)))

(let ((ok (condition-case err
              (progn (lsphost-e2e-main) t)
            (error (lsphost-e2e-set 'error (error-message-string err)) nil))))
  (condition-case err
      (progn
        (when lsphost-e2e-params
          (ignore-errors (lsphost-e2e-save-buffers))
          (lsphost-e2e-write-result)))
    (error (setq ok nil)
           (princ (format "emacs_eglot_e2e.el: writing the result: %s\n" (error-message-string err))
                  #'external-debugging-output)))
  (unless ok
    (princ (format "emacs_eglot_e2e.el: %s\n" (lsphost-e2e-get 'error)) #'external-debugging-output))
  (kill-emacs (if ok 0 1)))

;;; emacs_eglot_e2e.el ends here
