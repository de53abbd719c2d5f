//go:build !wasip1

package sdk

import "strings"

func index(s, substr string) int { return strings.Index(s, substr) }
