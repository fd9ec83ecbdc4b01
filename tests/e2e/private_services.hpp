#pragma once
// Test services of a test's own, for faults that stop a service: scripts/test-services run with a
// state directory of its own (REFLECTOR_SERVICES_DIR), so a PostgreSQL or Conductor server can be
// restarted or killed without touching the shared services other tests are using.

#include <map>
#include <memory>
#include <string>

#include "support/temp_dir.hpp"

namespace reflector::testing {

class PrivateServices {
 public:
  // Starts `only` ("pg" or "pg,conductor") and reads the variables it exports; nullptr with a
  // gtest failure carrying the script's output when it cannot (it names what to install).
  static std::unique_ptr<PrivateServices> Start(const std::string& only);
  // Stops every service it started.
  ~PrivateServices();
  PrivateServices(const PrivateServices&) = delete;
  PrivateServices& operator=(const PrivateServices&) = delete;

  // An exported variable ("" when absent): REFLECTOR_TEST_DATABASE_URL, CONDUCTOR_SERVER_URL.
  [[nodiscard]] std::string Variable(const std::string& name) const;
  // `scripts/test-services restart --only SERVICE [--kill] --down DOWN`: the service stopped
  // (killed), DOWN seconds without it, then started again on the same port with its state.
  // Returns "" when it worked, else the script's output.
  std::string Restart(const std::string& service, bool kill, int down_seconds);

 private:
  PrivateServices() = default;
  std::map<std::string, std::string> Environment() const;

  TempDir dir_{"reflector-private-services"};
  std::map<std::string, std::string> variables_;
};

}  // namespace reflector::testing
