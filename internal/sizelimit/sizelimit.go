// Package sizelimit holds the size limits of issue 23 as a check over the module's source, so
// that a file or a function that grows past them fails a test with its file and line instead
// of waiting for a review to count:
//
//   - no file of cmd/harness over MaxCommandLines lines (tests and generated files aside): a
//     subcommand is flags, options, one library call and an exit code, read in one screen;
//   - no function over MaxFuncLines lines anywhere in the module (tests and generated files
//     aside) unless its doc comment gives the reason in a sentence starting with Marker.
//
// A function's length is the line of its closing brace minus the line of its `func`, plus
// one, so the doc comment does not count. A generated file is one with Go's standard header
// (`// Code generated … DO NOT EDIT.`). The walk skips testdata, hidden and underscore
// directories, vendor and bin, as the go command does.
package sizelimit

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// The limits of issue 23's "Done when".
const (
	// MaxCommandLines is the most lines a non-test file of CommandDir may have.
	MaxCommandLines = 200
	// MaxFuncLines is the most lines a function may have without a reason.
	MaxFuncLines = 80
	// CommandDir is the module-relative directory whose files MaxCommandLines bounds.
	CommandDir = "cmd/harness"
	// Marker starts the sentence of a doc comment that says why its function is long on
	// purpose (a table, a generated switch). It is matched case-sensitively, at the start of
	// a line of the comment or after a sentence's end, so that a passing mention such as
	// `see "Long on purpose:"` in prose does not count.
	Marker = "Long on purpose:"
)

// Violation is one file or function over its limit.
type Violation struct {
	// File is the module-relative path (slashes), Line the line of the file's end (a long
	// file) or of the function's `func` (a long function).
	File string
	Line int
	// What names it: "file" or the function (with its receiver type, `(*T).M`).
	What string
	// Lines is its length, Limit the limit it exceeds.
	Lines, Limit int
}

// String is the violation as `file:line: what is N lines (limit M)`, the form editors jump to.
func (v Violation) String() string {
	if v.What == "file" {
		return fmt.Sprintf("%s:%d: file is %d lines (limit %d for %s; split it along its nouns)", v.File, v.Line, v.Lines, v.Limit, CommandDir)
	}
	return fmt.Sprintf("%s:%d: %s is %d lines (limit %d; split it, or start a sentence of its doc comment with %q and say why)", v.File, v.Line, v.What, v.Lines, v.Limit, Marker)
}

// Check walks the module rooted at root and returns every violation, sorted by file and
// line. The error is for a file that cannot be read or parsed.
func Check(root string) ([]Violation, error) {
	var out []Violation
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		vs, err := checkFile(path, filepath.ToSlash(rel))
		out = append(out, vs...)
		return err
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out, err
}

// skipDir tells the directories the go command ignores too, and bin (built tools).
func skipDir(name string) bool {
	return name == "testdata" || name == "vendor" || name == "bin" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// checkFile parses one file and returns its violations; rel is its module-relative path.
func checkFile(path, rel string) ([]Violation, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if ast.IsGenerated(f) {
		return nil, nil
	}
	var out []Violation
	if filepath.ToSlash(filepath.Dir(rel)) == CommandDir {
		end := fset.File(f.Pos()).LineCount()
		if end > MaxCommandLines {
			out = append(out, Violation{File: rel, Line: end, What: "file", Lines: end, Limit: MaxCommandLines})
		}
	}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		first, last := fset.Position(fn.Type.Func).Line, fset.Position(fn.Body.Rbrace).Line
		if n := last - first + 1; n > MaxFuncLines && !hasReason(fn.Doc) {
			out = append(out, Violation{File: rel, Line: first, What: funcName(fn), Lines: n, Limit: MaxFuncLines})
		}
	}
	return out, nil
}

// hasReason tells whether doc gives the reason for a long function: Marker at the start of
// one of its lines or right after a sentence's end, followed by some words.
func hasReason(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	text := doc.Text()
	for i := strings.Index(text, Marker); i >= 0; {
		before := strings.TrimRight(text[:i], " ")
		after := strings.TrimSpace(text[i+len(Marker):])
		if (before == "" || strings.HasSuffix(before, "\n") || strings.HasSuffix(before, ".")) && after != "" {
			return true
		}
		next := strings.Index(text[i+1:], Marker)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// funcName is the function's name as Go documentation writes it: `F`, `T.M` or `(*T).M`.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		if id, ok := typeIdent(st.X); ok {
			return "(*" + id + ")." + fn.Name.Name
		}
	}
	if id, ok := typeIdent(t); ok {
		return id + "." + fn.Name.Name
	}
	return fn.Name.Name
}

// typeIdent is the name of a receiver's type, with its type parameters dropped.
func typeIdent(e ast.Expr) (string, bool) {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name, true
	case *ast.IndexExpr:
		return typeIdent(t.X)
	case *ast.IndexListExpr:
		return typeIdent(t.X)
	}
	return "", false
}
