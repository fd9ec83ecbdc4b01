#pragma once
// Fakes of the storage::ObjectStore seam (header-only): a real store whose presigned URLs are
// http URLs of a test server, as S3's would be; a real store on a disk that fills up.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"
#include "storage/object_store.hpp"

namespace reflector::testing {

// Passes every call to `inner` except PresignGet, which gives
// "<base_url>/<bucket>/<key>?X-Amz-Expires=<seconds>&X-Amz-Signature=sig<n>" with n counting
// the URLs made (in `presigned`, shared by the stores of one factory).
class HttpPresigningStore final : public storage::ObjectStore {
 public:
  HttpPresigningStore(std::unique_ptr<storage::ObjectStore> inner, std::string base_url,
                      std::atomic<int>& presigned)
      : inner_(std::move(inner)), base_url_(std::move(base_url)), presigned_(presigned) {}
  [[nodiscard]] std::string_view Bucket() const override { return inner_->Bucket(); }
  Status PutFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop) override {
    return inner_->PutFile(key, file, stop);
  }
  Status GetFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop) override {
    return inner_->GetFile(key, file, stop);
  }
  Status Delete(std::string_view key) override { return inner_->Delete(key); }
  Result<bool> Exists(std::string_view key) override { return inner_->Exists(key); }
  Result<std::string> PresignGet(std::string_view key, std::chrono::seconds expires) override {
    int n = ++presigned_;
    return base_url_ + "/" + std::string(Bucket()) + "/" + std::string(key) +
           "?X-Amz-Expires=" + std::to_string(expires.count()) + "&X-Amz-Signature=sig" + std::to_string(n);
  }

 private:
  std::unique_ptr<storage::ObjectStore> inner_;
  std::string base_url_;
  std::atomic<int>& presigned_;
};

// Makes an HttpPresigningStore over each of `inner`'s stores; `presigned` counts the URLs made.
// `inner` must outlive the factory and its stores.
class HttpPresigningStoreFactory final : public storage::ObjectStoreFactory {
 public:
  HttpPresigningStoreFactory(storage::ObjectStoreFactory& inner, std::string base_url)
      : inner_(inner), base_url_(std::move(base_url)) {}
  Result<std::unique_ptr<storage::ObjectStore>> ForBucket(std::string_view bucket) override {
    REFLECTOR_ASSIGN_OR_RETURN(auto store, inner_.ForBucket(bucket));
    return std::unique_ptr<storage::ObjectStore>(
        std::make_unique<HttpPresigningStore>(std::move(store), base_url_, presigned));
  }

  std::atomic<int> presigned{0};

 private:
  storage::ObjectStoreFactory& inner_;
  std::string base_url_;
};

// Passes every call to `inner`, except that PutFile fails with a retryable kNoSpace ("No space
// left on device", as the local backend says it) once `puts_left` objects were stored: a disk
// that fills up. `puts_left` is shared by the stores of one factory.
class FillingStore final : public storage::ObjectStore {
 public:
  FillingStore(std::unique_ptr<storage::ObjectStore> inner, std::atomic<int>& puts_left)
      : inner_(std::move(inner)), puts_left_(puts_left) {}
  [[nodiscard]] std::string_view Bucket() const override { return inner_->Bucket(); }
  Status PutFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop) override {
    if (puts_left_.fetch_sub(1) <= 0) {
      return Error::Transient(ErrorKind::kNoSpace, "storing object '" + std::string(key) +
                                                       "': cannot write: No space left on device");
    }
    return inner_->PutFile(key, file, stop);
  }
  Status GetFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop) override {
    return inner_->GetFile(key, file, stop);
  }
  Status Delete(std::string_view key) override { return inner_->Delete(key); }
  Result<bool> Exists(std::string_view key) override { return inner_->Exists(key); }
  Result<std::string> PresignGet(std::string_view key, std::chrono::seconds expires) override {
    return inner_->PresignGet(key, expires);
  }

 private:
  std::unique_ptr<storage::ObjectStore> inner_;
  std::atomic<int>& puts_left_;
};

// Makes a FillingStore over each of `inner`'s stores. `inner` must outlive the factory and its
// stores.
class FillingStoreFactory final : public storage::ObjectStoreFactory {
 public:
  FillingStoreFactory(storage::ObjectStoreFactory& inner, int allowed) : puts_left(allowed), inner_(inner) {}
  Result<std::unique_ptr<storage::ObjectStore>> ForBucket(std::string_view bucket) override {
    REFLECTOR_ASSIGN_OR_RETURN(auto store, inner_.ForBucket(bucket));
    return std::unique_ptr<storage::ObjectStore>(std::make_unique<FillingStore>(std::move(store), puts_left));
  }

  std::atomic<int> puts_left;

 private:
  storage::ObjectStoreFactory& inner_;
};

}  // namespace reflector::testing
