// base64, query and header-key escaping used on the wire.
#include <doctest/doctest.h>

#include "kube/encoding.hpp"

using namespace wu::kube;

TEST_CASE("encoding: base64 round trip and Go's error offsets") {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "-----BEGIN CERTIFICATE-----\n\x01\xff"}) {
    CAPTURE(s);
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("PEM") == "UEVN");
  CHECK(base64_decode("UEVN\nUEVN") == "PEMPEM");  // line breaks are ignored, as in Go
  std::size_t bad = 0;
  CHECK_FALSE(base64_decode("UE*N", &bad).has_value());
  CHECK(bad == 2);
  CHECK_FALSE(base64_decode("UEV", &bad).has_value());  // missing padding
  CHECK_FALSE(base64_decode("UE==UE==", &bad).has_value());
}

TEST_CASE("encoding: query escaping like Go's url.QueryEscape") {
  CHECK(query_escape("a b") == "a+b");
  CHECK(query_escape("k=v,x!=y") == "k%3Dv%2Cx%21%3Dy");
  CHECK(query_escape("safe-_.~AZaz09") == "safe-_.~AZaz09");
  CHECK(path_escape("a b") == "a%20b");
}

TEST_CASE("encoding: Impersonate-Extra header keys are percent-escaped") {
  CHECK(header_key_escape("scopes") == "scopes");
  CHECK(header_key_escape("example.com/scopes") == "example.com%2Fscopes");
  CHECK(header_key_escape("a b%") == "a%20b%25");
  CHECK(trim("  x \n") == "x");
}
