#include "kube/kubeconfig.hpp"

#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "kube/encoding.hpp"
#include "kube/errors.hpp"
#include "yaml/document_loader.hpp"

namespace wu::kube {
namespace {

namespace fs = std::filesystem;

std::string load_error(const std::string& path, const std::string& why) {
  return "error loading config file \"" + path + "\": " + why;
}

// A kubeconfig scalar field; absent or null reads as empty.
std::string str(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  if (!v || v.IsNull()) return {};
  if (!v.IsScalar()) throw YAML::Exception(v.Mark(), std::string("field \"") + key + "\" must be a string");
  return v.as<std::string>();
}

bool boolean(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  if (!v || v.IsNull()) return false;
  return v.as<bool>();
}

std::vector<std::string> str_list(const YAML::Node& n, const char* key) {
  std::vector<std::string> out;
  YAML::Node v = n[key];
  if (!v || v.IsNull()) return out;
  if (!v.IsSequence()) throw YAML::Exception(v.Mark(), std::string("field \"") + key + "\" must be a list");
  for (const auto& item : v) out.push_back(item.as<std::string>());
  return out;
}

// base64 *-data fields hold PEM; keep the decoded bytes (Go's []byte).
std::string data_field(const YAML::Node& n, const char* key) {
  std::string text = str(n, key);
  if (text.empty()) return {};
  std::size_t bad = 0;
  auto decoded = base64_decode(text, &bad);
  if (!decoded) throw std::runtime_error("illegal base64 data at input byte " + std::to_string(bad) + " in " + key);
  return *decoded;
}

nlohmann::json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : n) a.push_back(to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted: always a string
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      if (s == "null" || s == "~") return nullptr;
      try {
        std::size_t used = 0;
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
      } catch (const std::exception&) {
      }
      return s;
    }
    default:
      return nullptr;
  }
}

// filepath.Join(dir, p) for relative p, cleaned like Go does.
std::string resolve(const std::string& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  std::string joined = (fs::path(dir) / p).lexically_normal().string();
  if (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined;
}

template <typename T, typename F>
void named_list(const YAML::Node& root, const char* list_key, const char* item_key, std::map<std::string, T>& out,
                F parse_item) {
  YAML::Node list = root[list_key];
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) throw YAML::Exception(list.Mark(), std::string("field \"") + list_key + "\" must be a list");
  for (const auto& entry : list) {
    std::string name = str(entry, "name");
    YAML::Node body = entry[item_key];
    // client-go keeps the last entry when a name repeats within one file.
    out[name] = parse_item(body ? body : YAML::Node(YAML::NodeType::Map));
  }
}

}  // namespace

Kubeconfig parse_kubeconfig(const std::string& yaml_text, const std::string& path) {
  Kubeconfig cfg;
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  // yaml-cpp's own tree shares aliased nodes, so an 813-byte alias bomb looks harmless until
  // something walks it (to_json below). The loader every other YAML goes through counts alias
  // expansion, nesting and bad bytes first; it is cheap at kubeconfig sizes.
  try {
    yaml::load_documents(yaml_text, [](yaml::Document&&) {});
  } catch (const yaml::LoadError& e) {
    throw ConfigError(load_error(path, "line " + std::to_string(e.mark().line) + ", column " +
                                           std::to_string(e.mark().column) + ": " + e.what() + "; " + e.hint()));
  }
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root || root.IsNull()) return cfg;
    if (!root.IsMap()) throw std::runtime_error("the document is not a kubeconfig (expected a mapping)");
    cfg.current_context = str(root, "current-context");

    named_list(root, "clusters", "cluster", cfg.clusters, [&](const YAML::Node& c) {
      Cluster cl;
      cl.server = str(c, "server");
      cl.certificate_authority = resolve(dir, str(c, "certificate-authority"));
      cl.certificate_authority_data = data_field(c, "certificate-authority-data");
      cl.insecure_skip_tls_verify = boolean(c, "insecure-skip-tls-verify");
      cl.tls_server_name = str(c, "tls-server-name");
      cl.proxy_url = str(c, "proxy-url");
      cl.disable_compression = boolean(c, "disable-compression");
      if (YAML::Node ext = c["extensions"]; ext && ext.IsSequence()) {
        for (const auto& e : ext) {
          if (str(e, "name") == "client.authentication.k8s.io/exec" && e["extension"])
            cl.exec_extension = to_json(e["extension"]);
        }
      }
      cl.location_of_origin = path;
      return cl;
    });

    named_list(root, "users", "user", cfg.users, [&](const YAML::Node& u) {
      AuthInfo a;
      a.client_certificate = resolve(dir, str(u, "client-certificate"));
      a.client_certificate_data = data_field(u, "client-certificate-data");
      a.client_key = resolve(dir, str(u, "client-key"));
      a.client_key_data = data_field(u, "client-key-data");
      a.token = str(u, "token");
      a.token_file = resolve(dir, str(u, "tokenFile"));
      a.username = str(u, "username");
      a.password = str(u, "password");
      a.impersonate = str(u, "as");
      a.impersonate_uid = str(u, "as-uid");
      a.impersonate_groups = str_list(u, "as-groups");
      if (YAML::Node extra = u["as-user-extra"]; extra && extra.IsMap()) {
        for (const auto& kv : extra) {
          std::vector<std::string> values;
          if (kv.second.IsSequence())
            for (const auto& v : kv.second) values.push_back(v.as<std::string>());
          else if (kv.second.IsScalar())
            values.push_back(kv.second.as<std::string>());
          a.impersonate_user_extra[kv.first.as<std::string>()] = values;
        }
      }
      if (YAML::Node ap = u["auth-provider"]; ap && ap.IsMap()) a.auth_provider = str(ap, "name");
      if (YAML::Node ex = u["exec"]; ex && ex.IsMap()) {
        ExecConfig e;
        e.command = str(ex, "command");
        // A bare command name is looked up on PATH; only paths are resolved.
        if (e.command.find('/') != std::string::npos) e.command = resolve(dir, e.command);
        e.args = str_list(ex, "args");
        if (YAML::Node env = ex["env"]; env && env.IsSequence()) {
          for (const auto& v : env) e.env.push_back({str(v, "name"), str(v, "value")});
        }
        e.api_version = str(ex, "apiVersion");
        e.install_hint = str(ex, "installHint");
        e.provide_cluster_info = boolean(ex, "provideClusterInfo");
        e.interactive_mode = str(ex, "interactiveMode");
        // client-go defaults interactiveMode only for the beta/alpha versions.
        if (e.interactive_mode.empty() && (e.api_version == "client.authentication.k8s.io/v1beta1" ||
                                           e.api_version == "client.authentication.k8s.io/v1alpha1"))
          e.interactive_mode = "IfAvailable";
        a.exec = e;
      }
      a.location_of_origin = path;
      return a;
    });

    named_list(root, "contexts", "context", cfg.contexts, [&](const YAML::Node& c) {
      Context ctx;
      ctx.cluster = str(c, "cluster");
      ctx.user = str(c, "user");
      ctx.namespace_ = str(c, "namespace");
      ctx.location_of_origin = path;
      return ctx;
    });
  } catch (const YAML::Exception& e) {
    throw ConfigError(load_error(path, e.what()));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(load_error(path, e.what()));
  }
  return cfg;
}

void merge_kubeconfig(Kubeconfig& base, const Kubeconfig& next) {
  if (base.current_context.empty()) base.current_context = next.current_context;
  for (const auto& [k, v] : next.clusters) base.clusters.emplace(k, v);
  for (const auto& [k, v] : next.users) base.users.emplace(k, v);
  for (const auto& [k, v] : next.contexts) base.contexts.emplace(k, v);
}

LoadedKubeconfig load_kubeconfig(const std::string& explicit_path, const Env& env) {
  LoadedKubeconfig out;
  std::vector<std::string> chain;
  bool warn_if_all_missing = false;
  if (!explicit_path.empty()) {
    if (!env.is_file(explicit_path)) {
      bool exists = true;  // e.g. a directory: reading it below reports why
      try {
        exists = env.read_file(explicit_path).has_value();
      } catch (const std::exception&) {
      }
      if (!exists) throw ConfigError("stat " + explicit_path + ": no such file or directory");
    }
    chain.push_back(explicit_path);
  } else if (auto list = env.getenv("KUBECONFIG"); list && !list->empty()) {
    std::set<std::string> seen;
    std::size_t start = 0;
    while (start <= list->size()) {
      std::size_t end = list->find(':', start);
      if (end == std::string::npos) end = list->size();
      std::string item = list->substr(start, end - start);
      if (!item.empty() && seen.insert(item).second) chain.push_back(item);
      start = end + 1;
    }
    warn_if_all_missing = true;
  } else if (auto home = env.getenv("HOME"); home && !home->empty()) {
    chain.push_back(*home + "/.kube/config");
  }

  std::vector<std::string> missing, errors;
  for (const auto& file : chain) {
    std::optional<std::string> text;
    try {
      text = env.read_file(file);
    } catch (const std::exception& e) {
      errors.push_back(load_error(file, e.what()));
      continue;
    }
    if (!text) {
      missing.push_back(file);
      continue;
    }
    try {
      merge_kubeconfig(out.config, parse_kubeconfig(*text, file));
      out.files.push_back(file);
    } catch (const ConfigError& e) {
      errors.push_back(e.what());
    }
  }
  if (!errors.empty()) {
    // utilerrors.NewAggregate formatting: one error alone, several in [a, b].
    std::string msg = errors.size() == 1 ? errors[0] : "[";
    if (errors.size() > 1) {
      for (std::size_t i = 0; i < errors.size(); ++i) msg += (i ? ", " : "") + errors[i];
      msg += "]";
    }
    throw ConfigError(msg);
  }
  if (warn_if_all_missing && !missing.empty() && out.files.empty()) {
    std::string joined;
    for (std::size_t i = 0; i < missing.size(); ++i) joined += (i ? ", " : "") + missing[i];
    out.warnings.push_back("Config not found: " + joined);
  }
  return out;
}

}  // namespace wu::kube
