#include "tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace sim {

namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error("TLS setup failed: " + what + ": " + buf);
}

KeyPtr newKey() {
  // P-256 keys are fast to generate and accepted by Go's and OpenSSL's TLS stacks.
  EVP_PKEY* k = EVP_EC_gen("P-256");
  if (!k) fail("generating an EC key");
  return KeyPtr(k, EVP_PKEY_free);
}

void addExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail(std::string("building extension ") + OBJ_nid2sn(nid));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertPtr newCert(EVP_PKEY* key, const std::string& cn, const std::string& org, X509* issuer, EVP_PKEY* issuerKey,
                bool isCa, const char* extKeyUsage, const char* san) {
  CertPtr cert(X509_new(), X509_free);
  X509* c = cert.get();
  X509_set_version(c, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 60L * 60 * 24 * 365);
  X509_set_pubkey(c, key);
  X509_NAME* name = X509_get_subject_name(c);
  if (!org.empty())
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* iss = issuer ? issuer : c;
  X509_set_issuer_name(c, X509_get_subject_name(iss));
  if (isCa) {
    addExt(c, iss, NID_basic_constraints, "critical,CA:TRUE");
    addExt(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    addExt(c, iss, NID_subject_key_identifier, "hash");
  } else {
    addExt(c, iss, NID_basic_constraints, "critical,CA:FALSE");
    addExt(c, iss, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExt(c, iss, NID_ext_key_usage, extKeyUsage);
    addExt(c, iss, NID_authority_key_identifier, "keyid:always");
    if (san) addExt(c, iss, NID_subject_alt_name, san);
  }
  if (!X509_sign(c, issuerKey ? issuerKey : key, EVP_sha256())) fail("signing certificate " + cn);
  return cert;
}

std::string certPem(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, c);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

std::string keyPem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(b);
  return out;
}

CertPtr readCert(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (!c) fail("reading certificate");
  return CertPtr(c, X509_free);
}

KeyPtr readKey(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (!k) fail("reading key");
  return KeyPtr(k, EVP_PKEY_free);
}

}  // namespace

Pki generatePki(const std::string& clientCommonName, const std::string& clientOrganization) {
  Pki pki;
  KeyPtr caKey = newKey();
  CertPtr ca = newCert(caKey.get(), "kubevirt-sim-ca", "", nullptr, nullptr, true, nullptr, nullptr);
  KeyPtr srvKey = newKey();
  CertPtr srv = newCert(srvKey.get(), "kubevirt-sim", "", ca.get(), caKey.get(), false, "serverAuth",
                        "DNS:localhost,IP:127.0.0.1,IP:::1");
  KeyPtr cliKey = newKey();
  CertPtr cli = newCert(cliKey.get(), clientCommonName, clientOrganization, ca.get(), caKey.get(), false,
                        "clientAuth", nullptr);
  pki.ca = {certPem(ca.get()), keyPem(caKey.get())};
  pki.server = {certPem(srv.get()), keyPem(srvKey.get())};
  pki.client = {certPem(cli.get()), keyPem(cliKey.get())};
  return pki;
}

bool configureServerContext(SSL_CTX& ctx, const Pki& pki) {
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  CertPtr srv = readCert(pki.server.cert);
  KeyPtr srvKey = readKey(pki.server.key);
  CertPtr ca = readCert(pki.ca.cert);
  if (SSL_CTX_use_certificate(&ctx, srv.get()) != 1) return false;
  if (SSL_CTX_use_PrivateKey(&ctx, srvKey.get()) != 1) return false;
  if (SSL_CTX_check_private_key(&ctx) != 1) return false;
  X509_STORE* store = SSL_CTX_get_cert_store(&ctx);
  if (X509_STORE_add_cert(store, ca.get()) != 1) return false;
  if (SSL_CTX_add_client_CA(&ctx, ca.get()) != 1) return false;
  // VERIFY_PEER without FAIL_IF_NO_PEER_CERT: token users connect without a certificate.
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
  // OpenSSL refuses to resume a session on a server that verifies client certificates unless a
  // session id context is set ("tlsv1 alert internal error"); a real API server resumes fine.
  static const unsigned char kSessionContext[] = "kubevirt-sim";
  SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1);
  return true;
}

std::optional<PeerIdentity> verifiedPeer(const SSL* ssl) {
  if (!ssl) return std::nullopt;
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (!peer || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  PeerIdentity id;
  X509_NAME* subject = X509_get_subject_name(peer);
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    X509_NAME_ENTRY* e = X509_NAME_get_entry(subject, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (len < 0) continue;
    std::string value(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
    if (nid == NID_commonName) id.commonName = value;
    else if (nid == NID_organizationName) id.organizations.push_back(value);
  }
  if (id.commonName.empty()) return std::nullopt;
  return id;
}

}  // namespace sim
