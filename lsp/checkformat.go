package lsp

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// Check output formats.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatSARIF = "sarif"
)

// WriteFindings writes findings in format: text (path:line:col: severity:
// message [extension]), json (an array of Finding) or sarif (SARIF 2.1.0,
// the format code-scanning services accept).
func WriteFindings(w io.Writer, format, version string, findings []Finding) error {
	switch format {
	case FormatText:
		for _, f := range findings {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", f.Path, f.Line, f.Column, f.Severity, f.Message, f.Extension); err != nil {
				return err
			}
		}
		return nil
	case FormatJSON:
		if findings == nil {
			findings = []Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(findings)
	case FormatSARIF:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sarifLog(version, findings))
	}
	return fmt.Errorf("unknown format %q (known: text, json, sarif)", format)
}

// The SARIF 2.1.0 subset lsphost writes.
type (
	sarifRoot struct {
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name    string      `json:"name"`
		Version string      `json:"version,omitempty"`
		Rules   []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID string `json:"id"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		Level     string          `json:"level"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
)

// sarifLevels maps severities to SARIF levels.
var sarifLevels = map[string]string{"error": "error", "warning": "warning", "information": "note", "hint": "note"}

func sarifLog(version string, findings []Finding) sarifRoot {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "lsphost", Version: version, Rules: []sarifRule{}}}, Results: []sarifResult{}}
	rules := map[string]bool{}
	for _, f := range findings {
		rule := f.Extension
		if f.Code != "" {
			rule += "/" + f.Code
		}
		rules[rule] = true
		run.Results = append(run.Results, sarifResult{
			RuleID:  rule,
			Level:   sarifLevels[f.Severity],
			Message: sarifMessage{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: f.Path},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn},
			}}},
		})
	}
	for id := range rules {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id})
	}
	sort.Slice(run.Tool.Driver.Rules, func(i, j int) bool { return run.Tool.Driver.Rules[i].ID < run.Tool.Driver.Rules[j].ID })
	return sarifRoot{Version: "2.1.0", Runs: []sarifRun{run}}
}
