package sdk_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"

	"github.com/lsphost/lsphost/sdk"
)

// ReadFile reads a workspace file that a read grant covers, e.g. a
// dictionary named in the settings. Natively it reads relative to the
// current directory, here the package's.
func ExampleReadFile() {
	data, err := sdk.ReadFile("testdata/dictionary.txt")
	fmt.Printf("%q %v\n", data, err)

	_, err = sdk.ReadFile("testdata/missing.txt")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// In wasm, a path no grant covers gives sdk.ErrNotGranted instead.
	// Output:
	// "lsphost\nwasm\n" <nil>
	// true
}

// ReadDir lists a granted folder, e.g. to complete file names.
func ExampleReadDir() {
	entries, err := sdk.ReadDir("testdata")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range entries {
		fmt.Println(e.Name(), e.IsDir())
	}
	// Output:
	// dictionary.txt false
}

// RelPath turns a document's URI into the path ReadFile takes, to read
// files beside the document.
func ExampleRelPath() {
	wd, _ := os.Getwd() // natively, paths are relative to the current directory
	rel, ok := sdk.RelPath("file://" + wd + "/testdata/dictionary.txt")
	fmt.Println(rel, ok)
	_, ok = sdk.RelPath("file:///elsewhere/a.md")
	fmt.Println(ok)
	// Output:
	// testdata/dictionary.txt true
	// false
}

// Logf writes to the host's log, tagged with the extension's name; natively
// to the log package.
func ExampleLogf() {
	log.SetOutput(os.Stdout)
	log.SetFlags(0)
	defer log.SetOutput(os.Stderr)
	sdk.Logf(sdk.LogInfo, "loaded %d words", 3)
	// Output:
	// info: loaded 3 words
}
