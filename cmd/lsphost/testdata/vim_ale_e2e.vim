" vim_ale_e2e.vim drives lsphost from Vim's ALE for TestVim (vim_test.go).
" It is the vimrc of the run:
"
"   LSPHOST_VIM_PARAMS=params.json vim -N -u vim_ale_e2e.vim -i NONE -n --not-a-term FILE <pipe
"
" (stdin must stay open: at end of input Vim exits.) params.json names the
" server command, the workspace, the completion position, the server's log
" and where to write the result. ALE (Debian's vim-ale, an optional package)
" lints FILE on open; a repeating timer then walks through the steps: wait
" for the LSP to start and the todo diagnostic to reach ALE's loclist, enter
" insert mode at the end of the completion line and ask ALE for completion
" through its callback API, leave insert mode, stop the server the way ALE
" does (:ALEStopAllLSPs: close stdin, SIGTERM) and wait until the process is
" gone. It writes what it saw as JSON and quits. It never checks
" expectations itself: the Go test does, so that a failure shows everything
" that was observed. Every wait is a condition polled by the timer with a
" deadline, never a sleep. Any error is recorded in the result and makes Vim
" exit with code 1.
"
" Written against Vim 9.0 and ALE 3.3.0 (Debian bookworm).

set nocompatible
set encoding=utf-8
scriptencoding utf-8
set noswapfile nobackup nowritebackup
" ALE runs servers through 'shell' -c; the command below starts with exec
" so that the job is the server itself, whatever the shell.
set shell=/bin/sh

let s:obs = {
\   'error': v:null,
\   'ale_missing': v:false,
\   'lsp_started': v:false,
\   'completion_capable': v:false,
\   'loclist': [],
\   'completion_request': v:null,
\   'completion_raw': v:null,
\   'completion_items': v:null,
\   'messages': [],
\   'job_id': v:null,
\   'server_running_after_stop': v:null,
\}
let s:params = json_decode(join(readfile($LSPHOST_VIM_PARAMS), "\n"))

function! s:Finish() abort
  call timer_stopall()
  try
    call writefile([json_encode(s:obs)], s:params.result)
  catch
    call writefile(['vim_ale_e2e.vim: writing the result: ' . v:exception], '/dev/stderr', 'a')
    cquit 1
  endtry
  if s:obs.error is v:null
    qa!
  endif
  cquit 1
endfunction

if !has('timers') || !has('job') || !has('channel')
  let s:obs.error = 'this Vim lacks +timers, +job or +channel (Debian: vim or vim-nox, not vim-tiny)'
  autocmd VimEnter * call s:Finish()
  finish
endif

try
  packadd! ale
catch /E919/
  let s:obs.ale_missing = v:true
  let s:obs.error = 'ALE is not installed (Debian: vim-ale): ' . v:exception
  autocmd VimEnter * call s:Finish()
  finish
endtry
filetype plugin on

let g:ale_linters_explicit = 1
let g:ale_linters = {'text': ['lsphost']}
let g:ale_completion_enabled = 0
call ale#linter#Define('text', {
\   'name': 'lsphost',
\   'lsp': 'stdio',
\   'executable': s:params.cmd[0],
\   'command': 'exec ' . join(map(copy(s:params.cmd), 'shellescape(v:val)')),
\   'project_root': s:params.root,
\})

" Every message from the server once ALE has initialised it: ALE sends
" didOpen right after the User ALELSPStarted event, so nothing is missed.
function! s:OnMessage(conn_id, response) abort
  if get(a:response, 'method', '') is# 'window/showMessage'
    call add(s:obs.messages, a:response.params)
  endif
  " ALE sets the request id right after sending the request, before any
  " response can be read.
  let l:request_id = get(get(b:, 'ale_completion_info', {}), 'request_id', 0)
  if l:request_id > 0 && get(a:response, 'id', -1) == l:request_id
    let s:obs.completion_raw = a:response
  endif
endfunction

function! s:OnLSPStarted() abort
  for [l:id, l:conn] in items(ale#lsp#GetConnections())
    if get(l:conn, 'initialized')
      call ale#lsp#RegisterCallback(l:id, function('s:OnMessage'))
      let s:obs.lsp_started = v:true
      let s:obs.completion_capable = get(l:conn.capabilities, 'completion') ? v:true : v:false
      let s:obs.job_id = get(l:conn, 'job_id', v:null)
    endif
  endfor
endfunction

function! s:OnCompletion(items) abort
  let s:obs.completion_items = map(copy(a:items), {_, v -> {'word': v.word, 'kind': get(v, 'kind', '')}})
endfunction

function! s:LspLoclist() abort
  let l:info = get(g:ale_buffer_info, bufnr(''), {})
  return filter(copy(get(l:info, 'loclist', [])), {_, v -> get(v, 'linter_name', '') is# 'lsphost'})
endfunction

" The steps: each is [what it waits for, condition, action once true].
let s:step = 0
let s:deadline = 0

function! s:Started() abort
  return s:obs.lsp_started
endfunction

function! s:HasDiagnostic() abort
  for l:item in s:LspLoclist()
    if get(l:item, 'detail', '') =~# '^\[' . s:params.diagnostic_source . '\] '
      return 1
    endif
  endfor
  return 0
endfunction

function! s:RecordDiagnostics() abort
  for l:item in s:LspLoclist()
    call add(s:obs.loclist, {
    \   'lnum': l:item.lnum,
    \   'col': l:item.col,
    \   'end_lnum': get(l:item, 'end_lnum', -1),
    \   'end_col': get(l:item, 'end_col', -1),
    \   'type': l:item.type,
    \   'text': l:item.text,
    \   'detail': get(l:item, 'detail', ''),
    \})
  endfor
  " Append at the end of the completion line, as a user would type.
  call cursor(s:params.position.line, 1)
  call feedkeys('A', 'n')
endfunction

function! s:InInsertMode() abort
  return mode() is# 'i'
endfunction

function! s:RequestCompletion() abort
  let l:started = ale#completion#GetCompletions('ale-callback', {'callback': function('s:OnCompletion')})
  if !l:started
    throw 'ale#completion#GetCompletions started no request'
  endif
endfunction

function! s:CompletionSent() abort
  let l:info = get(b:, 'ale_completion_info', {})
  if get(l:info, 'request_id', 0) > 0
    let s:obs.completion_request = {
    \   'request_id': l:info.request_id,
    \   'line': l:info.line,
    \   'column': l:info.column,
    \   'prefix': l:info.prefix,
    \}
    return 1
  endif
  return 0
endfunction

function! s:Nothing() abort
endfunction

function! s:CompletionAnswered() abort
  " ALE parses the response in the same channel callback as s:OnMessage, so
  " its callback (if any: ALE calls none for an empty list) has run.
  return s:obs.completion_raw isnot v:null
endfunction

function! s:LeaveInsert() abort
  call feedkeys("\<Esc>", 'n')
endfunction

function! s:InNormalMode() abort
  return mode() is# 'n'
endfunction

function! s:Stop() abort
  if s:obs.job_id is v:null
    throw 'no job id for the lsphost connection'
  endif
  ALEStopAllLSPs
endfunction

function! s:ServerGone() abort
  return !ale#job#IsRunning(s:obs.job_id)
endfunction

function! s:Stopped() abort
  let s:obs.server_running_after_stop = v:false
  call s:Finish()
endfunction

let s:steps = [
\   ['the LSP to start (User ALELSPStarted)', function('s:Started'), function('s:Nothing')],
\   ['a diagnostic from source ' . s:params.diagnostic_source . ' in ALE''s loclist', function('s:HasDiagnostic'), function('s:RecordDiagnostics')],
\   ['insert mode', function('s:InInsertMode'), function('s:RequestCompletion')],
\   ['ALE to send textDocument/completion', function('s:CompletionSent'), function('s:Nothing')],
\   ['the completion response', function('s:CompletionAnswered'), function('s:LeaveInsert')],
\   ['normal mode', function('s:InNormalMode'), function('s:Stop')],
\   ['the server process to end', function('s:ServerGone'), function('s:Stopped')],
\]

function! s:Tick(timer) abort
  try
    let [l:what, l:Cond, l:Action] = s:steps[s:step]
    if call(l:Cond, [])
      let s:step += 1
      let s:deadline = reltimefloat(reltime()) + s:params.timeout_ms / 1000.0
      call call(l:Action, [])
    elseif reltimefloat(reltime()) > s:deadline
      throw printf('timed out after %d ms waiting for %s', s:params.timeout_ms, l:what)
    endif
  catch
    let s:obs.error = v:exception . ' (' . v:throwpoint . ')'
    call s:Finish()
  endtry
endfunction

augroup lsphost_e2e
  autocmd!
  autocmd User ALELSPStarted call s:OnLSPStarted()
  autocmd VimEnter * let s:deadline = reltimefloat(reltime()) + s:params.timeout_ms / 1000.0
  \ | call timer_start(20, function('s:Tick'), {'repeat': -1})
augroup END
