#include "storage/bucket_routing.hpp"

#include <utility>

namespace reflector::storage {

BucketRoutingStoreFactory::BucketRoutingStoreFactory(std::unique_ptr<ObjectStoreFactory> fallback)
    : fallback_(std::move(fallback)) {}

void BucketRoutingStoreFactory::Route(std::string bucket, std::unique_ptr<ObjectStoreFactory> factory) {
  routes_[std::move(bucket)] = std::move(factory);
}

Result<std::unique_ptr<ObjectStore>> BucketRoutingStoreFactory::ForBucket(std::string_view bucket) {
  if (auto route = routes_.find(bucket); route != routes_.end()) return route->second->ForBucket(bucket);
  return fallback_->ForBucket(bucket);
}

}  // namespace reflector::storage
