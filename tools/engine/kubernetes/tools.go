//go:build tools

// The provider's main package embeds a schema file that its release process generates, so it cannot be built from
// the module as published. build.sh copies that package beside this file, generates the file, and builds it; these
// imports keep its dependencies in go.mod and go.sum.
package tools

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
	_ "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)
