// Router::serve: provider calls run on their own pool, so a provider that hangs never delays
// /start, the token endpoint or the API (SPEC §7 "the gateway never hangs").
#include "gateway/router.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

using testing::jsonResponse;
using testing::queryOf;
using testing::TestGateway;

TEST(Router, SlowProviderDoesNotBlockOtherRoutes) {
  Catalogue catalogue;
  catalogue.add(testing::acmeDialect());
  TestGateway gw(catalogue);
  const std::string app = gw.createApp("acme", "c", "s");
  gw.registerRedirectUri("https://app.example/cb");
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> provider_called;
  gw.http.answer([&](const HttpRequest&) -> Result<HttpResponse> {
    provider_called.set_value();
    released.wait();  // the provider hangs until the test lets it go
    return jsonResponse(200, {{"access_token", "AT"}});
  });
  WorkerPool provider_pool(1), disk_pool(1);
  Router router(*gw.services, *gw.flows, *gw.api, &provider_pool, &disk_pool);
  auto serve = [&](web::Request request) {
    auto answer = std::make_shared<std::promise<web::Response>>();
    auto future = answer->get_future();
    router.serve(std::move(request), [answer](web::Response r) { answer->set_value(std::move(r)); });
    return future;
  };
  const std::string start = "/link/oauth2/start?client_id=" + app +
                            "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb";
  web::Response started = serve(testing::makeRequest("GET", start)).get();
  ASSERT_EQ(started.status, 302);
  const std::string state = *queryOf(*started.header("Location")).get("state");
  auto callback = serve(testing::makeRequest("GET", "/link/oauth2/callback/acme?code=x&state=" + state,
                                             "", {{"Cookie", testing::cookiePair(started)}}));
  provider_called.get_future().wait();
  // The only provider worker is stuck; everything else still answers.
  EXPECT_EQ(serve(testing::makeRequest("GET", start)).get().status, 302);
  EXPECT_EQ(serve(testing::makeRequest("GET", "/healthz")).get().status, 200);
  EXPECT_EQ(serve(testing::makeRequest("POST", "/link/oauth2/token", "code=x",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}}))
                .get()
                .status,
            401);
  EXPECT_EQ(callback.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  release.set_value();
  EXPECT_EQ(callback.get().status, 302);
}

// Issue 10: with SQLite a short /start (sealed flow, nothing written) is answered on the
// calling reactor thread; a long one (its flow may be stored as a row) and the token
// endpoint's writes go to the disk pool.
TEST(Router, ShortStartIsAnsweredOnTheReactorThread) {
  Catalogue catalogue;
  catalogue.add(testing::acmeDialect());
  TestGateway gw(catalogue);
  ASSERT_TRUE(gw.services->store.readsAreLocal()) << "the test gateway runs on SQLite";
  const std::string app = gw.createApp("acme", "c", "s");
  gw.registerRedirectUri("https://app.example/cb");
  WorkerPool provider_pool(1), disk_pool(1);
  Router router(*gw.services, *gw.flows, *gw.api, &provider_pool, &disk_pool);
  struct Answer {
    int status = 0;
    std::thread::id thread;
  };
  auto serve = [&](const std::string& target) {
    auto answer = std::make_shared<std::promise<Answer>>();
    auto future = answer->get_future();
    router.serve(testing::makeRequest("GET", target), [answer](web::Response r) {
      answer->set_value(Answer{r.status, std::this_thread::get_id()});
    });
    return future.get();
  };
  const std::string start = "/link/oauth2/start?client_id=" + app +
                            "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=";
  const Answer short_start = serve(start + "s");
  EXPECT_EQ(short_start.status, 302);
  EXPECT_EQ(short_start.thread, std::this_thread::get_id()) << "answered inline";
  const Answer long_start = serve(start + std::string(2000, 'x'));
  EXPECT_EQ(long_start.status, 302);
  EXPECT_NE(long_start.thread, std::this_thread::get_id()) << "answered by the disk pool";
}

}  // namespace
}  // namespace linkgate::gateway
