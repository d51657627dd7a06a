// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// A reader for DiskSim 4.0 parameter files (libparam syntax): .parv,
// .diskspecs and .model files. It builds a tree and checks syntax and block
// types; what the parameters mean is disksim_import.cc's business.
//
//   file      := statement*
//   statement := "source" FILE                     (the file's statements)
//              | TYPE NAME "{" params "}"          (a named block)
//              | "instantiate" "[" names "]" "as" NAME
//              | "topology" node
//   params    := [param {"," param} [","]]
//   param     := WORDS "=" value                   (the name may hold spaces)
//   value     := "[" [value {"," value}] "]"       (a list)
//              | "source" FILE                     (the file's one block)
//              | TYPE "{" params "}"               (a nested block)
//              | WORDS                             (a number or a string)
//   node      := TYPE NAME "[" [node {"," node}] "]"
// `#` starts a comment that runs to the end of the line. Instance names may
// use ranges "disk0 .. disk7".
//
// `source` names are resolved against the including file's directory; if
// that file does not exist, the including file's name prefix (its name up
// to and including the last '-', e.g. "disksim-") is put in front of the
// name: iosched bundles DiskSim's hp_c2247a.diskspecs as
// disksim-hp_c2247a.diskspecs. ResolveSourceFile implements the rule.
//
// Errors (InvalidArgument or NotFound, one line): "path:line: expected …,
// got …", "path:line: unknown block type 'x'", "path:line: cannot open
// source file 'X' (tried A, B)", "path:line: source files include each
// other".
//
// Thread-safety: none needed (values); parsing is reentrant.

#ifndef IOSCHED_SIMULATOR_DISKSIM_PARSER_H_
#define IOSCHED_SIMULATOR_DISKSIM_PARSER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace iosched::disksim {

struct Location {
  std::string file;
  int line = 0;
  std::string Prefix() const;  // "file:line: "
};

struct Block;

struct Value {
  enum class Kind { kWord, kBlock, kList };
  Kind kind = Kind::kWord;
  Location loc;
  std::string text;              // kWord: the words, single-spaced
  std::shared_ptr<Block> block;  // kBlock
  std::vector<Value> list;       // kList
};

struct Param {
  std::string name;  // words single-spaced, e.g. "Segment size (in blks)"
  Location loc;
  Value value;
};

struct Block {
  std::string type;  // e.g. "disksim_disk"
  std::string name;  // empty for a nested block
  Location loc;
  std::vector<Param> params;
  // The first parameter of that name, or nullptr.
  const Param* Find(const std::string& name) const;
};

struct Instantiation {
  std::vector<std::string> instances;
  std::string spec;  // the block name they instantiate
  Location loc;
};

struct TopologyNode {
  std::string type, name;
  Location loc;
  std::vector<TopologyNode> children;
};

struct ParameterFile {
  std::vector<std::shared_ptr<Block>> blocks;  // top-level, in file order
  std::vector<Instantiation> instantiations;
  std::vector<TopologyNode> topology;
  // The named top-level block, or nullptr.
  const Block* FindBlock(const std::string& name) const;
};

// Block types of DiskSim 4.0 (and its diskmodel, memsmodel, ssdmodel
// libraries) that may appear in a parameter file.
bool KnownBlockType(const std::string& type);

// Parses `path` and everything it sources.
absl::StatusOr<ParameterFile> ParseParameterFile(const std::string& path);

// The file `name` referenced from `including` (rule above); `where` is the
// location for the error message.
absl::StatusOr<std::string> ResolveSourceFile(const std::string& including, const std::string& name,
                                              const Location& where);

}  // namespace iosched::disksim

#endif  // IOSCHED_SIMULATOR_DISKSIM_PARSER_H_
