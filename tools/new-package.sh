#!/usr/bin/env bash
# Scaffolds a workspace package: tools/new-package.sh plugin-foo "description" [dep-package ...]
set -euo pipefail
name=$1; desc=$2; shift 2
dir=packages/$name
mkdir -p "$dir/src"
deps='"@rtlab/sdk": "0.1.0"'; refs='{ "path": "../sdk/tsconfig.build.json" }'
for d in "$@"; do deps="$deps, \"@rtlab/$d\": \"0.1.0\""; refs="$refs, { \"path\": \"../$d/tsconfig.build.json\" }"; done
cat > "$dir/package.json" <<JSON
{
  "name": "@rtlab/$name",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "main": "dist/index.js",
  "types": "dist/index.d.ts",
  "scripts": { "build": "tsc -b tsconfig.build.json", "test": "jest", "lint": "eslint src" },
  "dependencies": { $deps }
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/test-support/**"],
  "references": [$refs]
}
JSON
echo "module.exports = { ...require('../../jest.preset.js'), displayName: '$name', rootDir: __dirname };" > "$dir/jest.config.js"
