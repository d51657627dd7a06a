// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "disksim_parser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iosched/status_macros.h"

namespace iosched::disksim {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFileBytes = 64 << 20;  // parameter files are small
constexpr int kMaxDepth = 64;               // nesting and source depth

struct Token {
  enum class Kind { kWord, kLBrace, kRBrace, kLBracket, kRBracket, kComma, kEquals, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  int line = 0;
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Token::Kind::kWord:
      return absl::StrCat("'", t.text, "'");
    case Token::Kind::kEnd:
      return "end of file";
    default:
      return absl::StrCat("'", t.text, "'");
  }
}

bool Delimiter(char c) {
  return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == '=' || c == '#';
}

class Lexer {
 public:
  Lexer(std::string text) : text_(std::move(text)) { Advance(); }
  const Token& peek() const { return tok_; }
  Token Take() {
    Token t = tok_;
    Advance();
    return t;
  }

 private:
  void Advance() {
    // Skip blanks and comments.
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    tok_ = Token{};
    tok_.line = line_;
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (Delimiter(c)) {
      ++pos_;
      tok_.text = std::string(1, c);
      switch (c) {
        case '{':
          tok_.kind = Token::Kind::kLBrace;
          break;
        case '}':
          tok_.kind = Token::Kind::kRBrace;
          break;
        case '[':
          tok_.kind = Token::Kind::kLBracket;
          break;
        case ']':
          tok_.kind = Token::Kind::kRBracket;
          break;
        case ',':
          tok_.kind = Token::Kind::kComma;
          break;
        default:
          tok_.kind = Token::Kind::kEquals;
          break;
      }
      return;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) &&
           !Delimiter(text_[pos_])) {
      ++pos_;
    }
    tok_.kind = Token::Kind::kWord;
    tok_.text = text_.substr(start, pos_ - start);
  }

  std::string text_;
  size_t pos_ = 0;
  int line_ = 1;
  Token tok_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path, const Location* from) {
  // Only regular files: `source /dev/zero` would read forever and a FIFO
  // without a writer would block; and never more than kMaxFileBytes + 1.
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) {
    return absl::InvalidArgumentError(
        absl::StrCat(from ? from->Prefix() : std::string(), "'", path, "' is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(from ? from->Prefix() : std::string(), "cannot open '", path, "'"));
  }
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": file too large for a parameter file"));
    }
  }
  return text;
}

class Parser {
 public:
  explicit Parser(ParameterFile* out) : out_(out) {}

  absl::Status ParseFile(const std::string& path, const Location* from) {
    std::error_code ec;
    const std::string canonical = fs::weakly_canonical(fs::path(path), ec).string();
    if (std::find(stack_.begin(), stack_.end(), canonical) != stack_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          from ? from->Prefix() : std::string(), "source files include each other ('", path, "')"));
    }
    if (stack_.size() >= kMaxDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat(from ? from->Prefix() : std::string(), "source files nested too deeply"));
    }
    IOSCHED_ASSIGN_OR_RETURN(std::string text, ReadFile(path, from));
    stack_.push_back(canonical);
    Lexer lex(std::move(text));
    absl::Status s = Statements(path, lex);
    stack_.pop_back();
    return s;
  }

  // Parses `path`, which must hold exactly one block (a `source` value).
  absl::StatusOr<std::shared_ptr<Block>> ParseBlockFile(const std::string& path,
                                                        const Location& from) {
    ParameterFile sub;
    Parser p(&sub);
    p.stack_ = stack_;
    IOSCHED_RETURN_IF_ERROR(p.ParseFile(path, &from));
    if (sub.blocks.size() != 1 || !sub.instantiations.empty() || !sub.topology.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(from.Prefix(), "expected source file '", path,
                                                     "' to hold exactly one block, got ",
                                                     sub.blocks.size(), " blocks"));
    }
    return sub.blocks.front();
  }

 private:
  absl::Status Error(const std::string& file, const Token& at, const std::string& expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ":", at.line, ": expected ", expected, ", got ", Describe(at)));
  }

  absl::Status Expect(const std::string& file, Lexer& lex, Token::Kind kind,
                      const std::string& what) {
    if (lex.peek().kind != kind) return Error(file, lex.peek(), what);
    lex.Take();
    return absl::OkStatus();
  }

  absl::Status Statements(const std::string& file, Lexer& lex) {
    while (lex.peek().kind != Token::Kind::kEnd) {
      const Token t = lex.Take();
      if (t.kind != Token::Kind::kWord) {
        return Error(file, t, "a block type, 'source', 'instantiate' or 'topology'");
      }
      const Location loc{file, t.line};
      if (t.text == "source") {
        if (lex.peek().kind != Token::Kind::kWord) return Error(file, lex.peek(), "a file name");
        const Token name = lex.Take();
        IOSCHED_ASSIGN_OR_RETURN(std::string path, ResolveSourceFile(file, name.text, loc));
        IOSCHED_RETURN_IF_ERROR(ParseFile(path, &loc));
      } else if (t.text == "instantiate") {
        Instantiation inst;
        inst.loc = loc;
        IOSCHED_RETURN_IF_ERROR(Expect(file, lex, Token::Kind::kLBracket, "'['"));
        std::vector<std::string> words;
        while (lex.peek().kind == Token::Kind::kWord || lex.peek().kind == Token::Kind::kComma) {
          const Token w = lex.Take();
          if (w.kind == Token::Kind::kWord) words.push_back(w.text);
        }
        IOSCHED_RETURN_IF_ERROR(Expect(file, lex, Token::Kind::kRBracket, "']'"));
        IOSCHED_RETURN_IF_ERROR(ExpandNames(loc, words, &inst.instances));
        if (lex.peek().kind != Token::Kind::kWord || lex.peek().text != "as") {
          return Error(file, lex.peek(), "'as'");
        }
        lex.Take();
        if (lex.peek().kind != Token::Kind::kWord) return Error(file, lex.peek(), "a spec name");
        inst.spec = lex.Take().text;
        out_->instantiations.push_back(std::move(inst));
      } else if (t.text == "topology") {
        TopologyNode node;
        IOSCHED_RETURN_IF_ERROR(Node(file, lex, 0, &node));
        out_->topology.push_back(std::move(node));
      } else {
        if (!KnownBlockType(t.text)) {
          return absl::InvalidArgumentError(
              absl::StrCat(loc.Prefix(), "unknown block type '", t.text, "'"));
        }
        if (lex.peek().kind != Token::Kind::kWord) {
          return Error(file, lex.peek(), absl::StrCat("a name for the ", t.text, " block"));
        }
        auto block = std::make_shared<Block>();
        block->type = t.text;
        block->name = lex.Take().text;
        block->loc = loc;
        IOSCHED_RETURN_IF_ERROR(Expect(file, lex, Token::Kind::kLBrace, "'{'"));
        IOSCHED_RETURN_IF_ERROR(Params(file, lex, 0, block.get()));
        out_->blocks.push_back(std::move(block));
      }
    }
    return absl::OkStatus();
  }

  // After '{': parameters up to and including '}'.
  absl::Status Params(const std::string& file, Lexer& lex, int depth, Block* block) {
    if (depth > kMaxDepth) return Error(file, lex.peek(), "less deeply nested blocks");
    while (true) {
      if (lex.peek().kind == Token::Kind::kRBrace) {
        lex.Take();
        return absl::OkStatus();
      }
      if (lex.peek().kind != Token::Kind::kWord) return Error(file, lex.peek(), "a parameter name");
      Param param;
      param.loc = Location{file, lex.peek().line};
      std::vector<std::string> words;
      while (lex.peek().kind == Token::Kind::kWord) words.push_back(lex.Take().text);
      param.name = absl::StrJoin(words, " ");
      if (lex.peek().kind != Token::Kind::kEquals) {
        return Error(file, lex.peek(), absl::StrCat("'=' after '", param.name, "'"));
      }
      lex.Take();
      IOSCHED_RETURN_IF_ERROR(ParseValue(file, lex, depth + 1, &param.value));
      block->params.push_back(std::move(param));
      if (lex.peek().kind == Token::Kind::kComma) {
        lex.Take();
      } else if (lex.peek().kind != Token::Kind::kRBrace) {
        return Error(file, lex.peek(), "',' or '}'");
      }
    }
  }

  absl::Status ParseValue(const std::string& file, Lexer& lex, int depth, Value* v) {
    if (depth > kMaxDepth) return Error(file, lex.peek(), "less deeply nested values");
    v->loc = Location{file, lex.peek().line};
    if (lex.peek().kind == Token::Kind::kLBracket) {
      lex.Take();
      v->kind = Value::Kind::kList;
      while (lex.peek().kind != Token::Kind::kRBracket) {
        Value item;
        IOSCHED_RETURN_IF_ERROR(ParseValue(file, lex, depth + 1, &item));
        v->list.push_back(std::move(item));
        if (lex.peek().kind == Token::Kind::kComma) {
          lex.Take();
        } else if (lex.peek().kind != Token::Kind::kRBracket) {
          return Error(file, lex.peek(), "',' or ']'");
        }
      }
      lex.Take();
      return absl::OkStatus();
    }
    if (lex.peek().kind != Token::Kind::kWord) return Error(file, lex.peek(), "a value");
    std::vector<std::string> words;
    while (lex.peek().kind == Token::Kind::kWord) words.push_back(lex.Take().text);
    if (words.size() == 2 && words[0] == "source") {
      IOSCHED_ASSIGN_OR_RETURN(std::string path, ResolveSourceFile(file, words[1], v->loc));
      IOSCHED_ASSIGN_OR_RETURN(v->block, ParseBlockFile(path, v->loc));
      v->kind = Value::Kind::kBlock;
      return absl::OkStatus();
    }
    if (lex.peek().kind == Token::Kind::kLBrace) {
      if (words.size() > 2) return Error(file, lex.peek(), "a block type before '{'");
      if (!KnownBlockType(words[0])) {
        return absl::InvalidArgumentError(
            absl::StrCat(v->loc.Prefix(), "unknown block type '", words[0], "'"));
      }
      lex.Take();
      v->kind = Value::Kind::kBlock;
      v->block = std::make_shared<Block>();
      v->block->type = words[0];
      if (words.size() == 2) v->block->name = words[1];
      v->block->loc = v->loc;
      return Params(file, lex, depth + 1, v->block.get());
    }
    v->kind = Value::Kind::kWord;
    v->text = absl::StrJoin(words, " ");
    return absl::OkStatus();
  }

  absl::Status Node(const std::string& file, Lexer& lex, int depth, TopologyNode* node) {
    if (depth > kMaxDepth) return Error(file, lex.peek(), "a less deeply nested topology");
    if (lex.peek().kind != Token::Kind::kWord) return Error(file, lex.peek(), "a component type");
    node->loc = Location{file, lex.peek().line};
    node->type = lex.Take().text;
    if (!KnownBlockType(node->type)) {
      return absl::InvalidArgumentError(
          absl::StrCat(node->loc.Prefix(), "unknown component type '", node->type, "'"));
    }
    if (lex.peek().kind != Token::Kind::kWord) return Error(file, lex.peek(), "a component name");
    node->name = lex.Take().text;
    IOSCHED_RETURN_IF_ERROR(Expect(file, lex, Token::Kind::kLBracket, "'['"));
    while (lex.peek().kind != Token::Kind::kRBracket) {
      TopologyNode child;
      IOSCHED_RETURN_IF_ERROR(Node(file, lex, depth + 1, &child));
      node->children.push_back(std::move(child));
      if (lex.peek().kind == Token::Kind::kComma) {
        lex.Take();
      } else if (lex.peek().kind != Token::Kind::kRBracket) {
        return Error(file, lex.peek(), "',' or ']'");
      }
    }
    lex.Take();
    return absl::OkStatus();
  }

  // "disk0 .. disk3" → disk0, disk1, disk2, disk3.
  static absl::Status ExpandNames(const Location& loc, const std::vector<std::string>& words,
                                  std::vector<std::string>* out) {
    for (size_t i = 0; i < words.size(); ++i) {
      if (i + 2 < words.size() && words[i + 1] == "..") {
        auto split = [](const std::string& w, std::string* prefix, long* n) {
          size_t k = w.size();
          while (k > 0 && std::isdigit(static_cast<unsigned char>(w[k - 1]))) --k;
          if (k == w.size()) return false;
          *prefix = w.substr(0, k);
          *n = std::stol(w.substr(k));
          return true;
        };
        std::string p1, p2;
        long a = 0, b = 0;
        if (!split(words[i], &p1, &a) || !split(words[i + 2], &p2, &b) || p1 != p2 || b < a ||
            b - a > 100000) {
          return absl::InvalidArgumentError(absl::StrCat(loc.Prefix(), "expected a range like ",
                                                         "'disk0 .. disk7', got '", words[i],
                                                         " .. ", words[i + 2], "'"));
        }
        for (long n = a; n <= b; ++n) out->push_back(absl::StrCat(p1, n));
        i += 2;
      } else {
        out->push_back(words[i]);
      }
    }
    return absl::OkStatus();
  }

  ParameterFile* out_;
  std::vector<std::string> stack_;
};

}  // namespace

std::string Location::Prefix() const { return absl::StrCat(file, ":", line, ": "); }

const Param* Block::Find(const std::string& name) const {
  for (const Param& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const Block* ParameterFile::FindBlock(const std::string& name) const {
  for (const auto& b : blocks) {
    if (b->name == name) return b.get();
  }
  return nullptr;
}

bool KnownBlockType(const std::string& type) {
  static const char* const kTypes[] = {
      "disksim_global",
      "disksim_stats",
      "disksim_iodriver_stats",
      "disksim_bus_stats",
      "disksim_ctlr_stats",
      "disksim_device_stats",
      "disksim_pf_stats",
      "disksim_iodriver",
      "disksim_ioqueue",
      "disksim_bus",
      "disksim_ctlr",
      "disksim_disk",
      "disksim_simpledisk",
      "disksim_cachemem",
      "disksim_cachedev",
      "disksim_logorg",
      "disksim_pf",
      "disksim_synthio",
      "disksim_synthgen",
      "disksim_syncset",
      "disksim_iosim",
      "dm_disk",
      "dm_layout_g1",
      "dm_layout_g1_zone",
      "dm_layout_g2",
      "dm_layout_g2_zone",
      "dm_layout_g4",
      "dm_mech_g1",
      "dm_mech_g2",
      "memsmodel_mems",
      "memsmodel_mems_stats",
      "ssdmodel_ssd",
      "ssdmodel_ssd_stats",
  };
  for (const char* t : kTypes) {
    if (type == t) return true;
  }
  return false;
}

absl::StatusOr<std::string> ResolveSourceFile(const std::string& including, const std::string& name,
                                              const Location& where) {
  const fs::path inc(including);
  const fs::path dir = inc.parent_path();
  std::vector<std::string> tried;
  const fs::path direct = fs::path(name).is_absolute() ? fs::path(name) : dir / name;
  tried.push_back(direct.string());
  std::error_code ec;
  if (fs::is_regular_file(direct, ec)) return direct.string();
  const std::string base = inc.filename().string();
  const size_t dash = base.rfind('-');
  if (dash != std::string::npos && !fs::path(name).is_absolute()) {
    const fs::path alt = dir / (base.substr(0, dash + 1) + fs::path(name).filename().string());
    tried.push_back(alt.string());
    if (fs::is_regular_file(alt, ec)) return alt.string();
  }
  return absl::NotFoundError(absl::StrCat(where.Prefix(), "cannot open source file '", name,
                                          "' (tried ", absl::StrJoin(tried, ", "), ")"));
}

absl::StatusOr<ParameterFile> ParseParameterFile(const std::string& path) {
  ParameterFile out;
  Parser p(&out);
  IOSCHED_RETURN_IF_ERROR(p.ParseFile(path, nullptr));
  return out;
}

}  // namespace iosched::disksim
