// linkgatectl: credentials (list with filters across pages, get, export and bulk import as
// JSON lines, refresh, access-token, delete).
#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/linkgatectl/commands.h"

namespace linkgatectl {
namespace {

const std::vector<Column> kColumns = {{"ID", "id"},
                                      {"PROVIDER", "provider"},
                                      {"APP", "oauth_app_id"},
                                      {"HEALTH", "health.status"},
                                      {"EXPIRES", "properties.expires_at"},
                                      {"UPDATED", "updated_at"}};

// The gateway takes at most 64 KB a request: the import goes in batches below that.
constexpr size_t kBatchBytes = 60 * 1024;

int list(Ctx& c) {
  std::string base = "/v1/credentials?";
  if (auto p = c.args.opt("provider")) base += "provider=" + queryValue(*p) + "&";
  if (auto a = c.args.opt("app")) base += "oauth_app_id=" + queryValue(*a) + "&";
  if (auto u = c.args.opt("end-user")) base += "end_user_id=" + queryValue(*u) + "&";
  const auto limit = c.args.opt("limit");
  base += "limit=" + queryValue(limit.value_or("1000"));
  std::string cursor = c.args.opt("cursor").value_or("");
  Json all = Json::array();
  Json next = nullptr;
  do {
    auto a = c.client.call("GET", base + (cursor.empty() ? "" : "&cursor=" + queryValue(cursor)));
    if (!a.ok()) return failed(c, a);
    Json page = a.json();
    for (auto& item : page["data"]) all.push_back(std::move(item));
    next = page.value("next_cursor", Json());
    cursor = next.is_string() ? next.get<std::string>() : "";
  } while (!limit && !cursor.empty());  // --limit: one page; otherwise every page
  if (c.args.json) {
    c.out << dumpJson(Json{{"data", all}, {"next_cursor", next}}) << "\n";
  } else {
    c.out << table(all, kColumns);
    if (next.is_string()) c.err << "more: --cursor " << next.get<std::string>() << "\n";
  }
  return kOk;
}

int exportAll(Ctx& c) {
  auto a = c.client.call("GET", "/v1/credentials/export");
  if (!a.ok()) return failed(c, a);
  if (auto path = c.args.opt("output")) {
    std::ofstream out(*path, std::ios::binary | std::ios::trunc);
    out << a.body;
    if (!out) {
      c.err << "linkgatectl: cannot write " << *path << "\n";
      return kUsage;
    }
    size_t n = 0;
    for (char ch : a.body) n += ch == '\n';
    c.err << "exported " << n << " credential(s) to " << *path << "\n";
  } else {
    c.out << a.body;
  }
  return kOk;
}

struct Line {
  size_t number;
  std::string text;
};

// Sends one batch; appends each line's result (numbered as in the file) to report.
int sendBatch(Ctx& c, const std::vector<Line>& batch, Json& report) {
  if (batch.empty()) return kOk;
  std::string body;
  for (const auto& l : batch) body += l.text + "\n";
  auto a = c.client.call("POST", "/v1/credentials/import", body, "application/x-ndjson");
  if (!a.transport_error.empty()) return failed(c, a);
  if (!a.ok()) {  // the whole request was refused (e.g. one line above 64 KB): each line failed
    Json j = a.json();
    for (const auto& l : batch) {
      report["results"].push_back({{"line", l.number},
                                   {"status", "failed"},
                                   {"error", j.is_object() ? j.value("error", "") : "http_error"},
                                   {"error_description", a.errorLine()}});
      report["failed"] = report["failed"].get<int>() + 1;
    }
    return kOk;
  }
  Json j = a.json();
  for (auto r : j["results"]) {
    const size_t at = r["line"].get<size_t>();
    r["line"] = at >= 1 && at <= batch.size() ? batch[at - 1].number : at;
    report["results"].push_back(r);
  }
  for (const char* k : {"created", "updated", "failed"}) {
    report[k] = report[k].get<int>() + j.value(k, 0);
  }
  return kOk;
}

int importFile(Ctx& c) {
  std::string path;
  int rc = 0;
  if (!positional(c, 0, "FILE", path, rc)) return rc;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      c.err << "linkgatectl: cannot read " << path << "\n";
      return kUsage;
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  Json report = {{"created", 0}, {"updated", 0}, {"failed", 0}, {"results", Json::array()}};
  std::vector<Line> batch;
  size_t bytes = 0, number = 0;
  for (std::string text; std::getline(in, text);) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!batch.empty() && bytes + text.size() + 1 > kBatchBytes) {
      if ((rc = sendBatch(c, batch, report)) != kOk) return rc;
      batch.clear();
      bytes = 0;
    }
    bytes += text.size() + 1;
    batch.push_back({number, std::move(text)});
  }
  if ((rc = sendBatch(c, batch, report)) != kOk) return rc;
  if (c.args.json) {
    c.out << dumpJson(report) << "\n";
  } else {
    c.out << table(report["results"], {{"LINE", "line"},
                                       {"STATUS", "status"},
                                       {"ID", "id"},
                                       {"ERROR", "error"},
                                       {"DESCRIPTION", "error_description"}});
    c.out << report["created"] << " created, " << report["updated"] << " updated, "
          << report["failed"] << " failed\n";
  }
  return report["failed"].get<int>() > 0 ? kPartial : kOk;
}

int byId(Ctx& c, const std::string& method, const std::string& suffix,
         const std::function<std::string(const Json&)>& render) {
  std::string id;
  int rc = 0;
  if (!positional(c, 0, "ID", id, rc)) return rc;
  return show(c, c.client.call(method, "/v1/credentials/" + queryValue(id) + suffix), render);
}

}  // namespace

std::vector<Command> credentialCommands() {
  return {
      {"credentials list", "[--provider SLUG] [--app ID] [--end-user ID] [--limit N [--cursor C]]",
       "List credentials (every page, or one page of --limit)", list},
      {"credentials get", "ID [--reveal]", "Show one credential (--reveal: with its tokens)",
       [](Ctx& c) {
         return byId(c, "GET", c.args.flag("reveal") ? "?truncate_secrets=false" : "",
                     [](const Json& j) {
                       auto cols = kColumns;
                       cols.push_back({"SCOPE", "properties.scope"});
                       cols.push_back({"DETAIL", "health.detail"});
                       return record(j, cols);
                     });
       }},
      {"credentials export", "[--output FILE]",
       "Every credential with its secrets as JSON lines (stdout, or FILE)", exportAll},
      {"credentials import", "FILE|-",
       "Import JSON lines (an export file as it is); one result a line; exit 4 if any line failed",
       importFile},
      {"credentials refresh", "ID", "Refresh at the provider now",
       [](Ctx& c) {
         return byId(c, "POST", "/refresh", [](const Json& j) { return record(j, kColumns); });
       }},
      {"credentials access-token", "ID", "Print a valid access token (refreshed when due)",
       [](Ctx& c) {
         return byId(c, "GET", "/access-token",
                     [](const Json& j) { return j.value("access_token", "") + "\n"; });
       }},
      {"credentials delete", "ID", "Delete a credential",
       [](Ctx& c) {
         return byId(c, "DELETE", "",
                     [&c](const Json&) { return "deleted " + c.positional[0] + "\n"; });
       }},
  };
}

}  // namespace linkgatectl
