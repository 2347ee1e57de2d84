#pragma once
// One HTTP/1.1 request over a fresh connection (Boost.Beast), for tests of HTTP servers: the status,
// the body (read whole: an SSE stream until the server closes it) and the Retry-After header.
#include <cstdint>
#include <string>

#include <boost/beast/http/verb.hpp>

namespace gauntlet::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string retry_after;
};

// Throws boost::system::system_error when the connection fails.
HttpReply http_request(std::uint16_t port, boost::beast::http::verb method, const std::string& target,
                       const std::string& body = {});

}  // namespace gauntlet::testing
