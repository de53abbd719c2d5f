package main

import "strings"

// proseLanguages are checked throughout, not only in comments and strings.
var proseLanguages = map[string]bool{"markdown": true, "plaintext": true, "gitcommit": true, "text": true}

// markdownRegions calls f for the prose of a Markdown text: everything but
// fenced and indented code blocks, front matter, HTML comments, and link
// destinations (code spans, URLs and tags are skipped by the word scanner).
func markdownRegions(text string, f func(region)) {
	fence := ""
	blankBefore := true
	inList := false // the last line with text was in a list item
	inComment := false
	for start, n := 0, 0; start < len(text); n++ {
		end := strings.IndexByte(text[start:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += start
			next = end + 1
		}
		line := text[start:end]
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case n == 0 && strings.TrimRight(line, "\r") == "---":
			// front matter: up to the next "---"
			if close := strings.Index(text[next:], "\n---"); close >= 0 {
				next += close + 4
				if nl := strings.IndexByte(text[next:], '\n'); nl >= 0 {
					next += nl + 1
				} else {
					next = len(text)
				}
			}
		case fence != "":
			if indent < 4 && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" \t\r") == "" {
				fence = ""
			}
		case indent < 4 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, trimmed[:1]))]
		case blankBefore && !inList && (indent >= 4 || strings.HasPrefix(line, "\t")) && strings.TrimSpace(line) != "":
			// an indented code block: stays "blank before" while it lasts
			start = next
			continue
		case inComment || strings.HasPrefix(trimmed, "<!--"):
			c := strings.Index(line, "-->")
			inComment = c < 0
			if c >= 0 && strings.TrimSpace(line[c+3:]) != "" {
				f(region{start: start + c + 3, end: end})
			}
		default:
			lineProse(line, start, f)
		}
		blankBefore = strings.TrimSpace(line) == ""
		if !blankBefore {
			inList = listItem(trimmed) || inList && (indent >= 2 || strings.HasPrefix(line, "\t"))
		}
		start = next
	}
}

// listItem reports whether a line (without its indentation) starts a list
// item: "- ", "* ", "+ ", "1. " or "1) ".
func listItem(s string) bool {
	if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") || strings.HasPrefix(s, "+ ") {
		return true
	}
	i := 0
	for i < len(s) && i < 9 && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

// lineProse calls f for a Markdown line's text around its link
// destinations "](...)" and reference definitions' "[label]: target".
func lineProse(line string, offset int, f func(region)) {
	if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "[") {
		if i := strings.Index(t, "]:"); i > 0 && !strings.ContainsAny(t[1:i], "[]") {
			return // a reference definition: label and URL
		}
	}
	from := 0
	for {
		i := strings.Index(line[from:], "](")
		if i < 0 {
			break
		}
		i += from
		f(region{start: offset + from, end: offset + i})
		close := strings.IndexByte(line[i:], ')')
		if close < 0 {
			return
		}
		from = i + close + 1
	}
	f(region{start: offset + from, end: offset + len(line)})
}

// commitRegions calls f for the lines of a commit message, without
// comments and the diff after the scissors line.
func commitRegions(text string, f func(region)) {
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += start
			next = end + 1
		}
		line := text[start:end]
		if strings.HasPrefix(line, "# ") && strings.Contains(line, " >8 ") {
			return
		}
		if !strings.HasPrefix(line, "#") {
			f(region{start: start, end: end})
		}
		start = next
	}
}
