// Command sdkgen writes the Python, Go or Node.js SDK of a Pulumi package schema with Pulumi's own
// code generators (github.com/pulumi/pulumi/pkg/v3/codegen), the very functions the language hosts
// call when `pulumi package add` or `pulumi package gen-sdk` asks them to. The engine suite uses it
// because this machine's Go module proxy serves the CLI but not the Python or Go language hosts.
//
//	sdkgen <schema.json> <python|go|nodejs> <out dir>
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noOtherPackages refuses every reference to another package: ours refers to none.
type noOtherPackages struct{}

var errNoOtherPackages = errors.New("sdkgen: the schema refers to another package, which this tool does not load")

func (noOtherPackages) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoOtherPackages
}

func (noOtherPackages) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoOtherPackages
}

func (noOtherPackages) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoOtherPackages
}

func (noOtherPackages) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNoOtherPackages
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	loader := noOtherPackages{}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	// As `pulumi package add` does: a local package may take module paths of its own.
	pkg.SupportPack = true
	var files map[string][]byte
	switch language {
	case "python":
		files, err = python.GeneratePackage("pulumi-language-python", pkg, nil, loader)
	case "go":
		files, err = gogen.GeneratePackage("pulumi-language-go", pkg, nil)
	case "nodejs":
		files, err = nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, true, loader)
	default:
		return fmt.Errorf("unknown language %q: python, go or nodejs", language)
	}
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <python|go|nodejs> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}
