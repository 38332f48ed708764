#include "decide/decision.hpp"

namespace wu::decide {

const char* action_name(Action a) {
  switch (a) {
    case Action::LiveMigrate: return "LiveMigrate";
    case Action::Evict: return "Evict";
    case Action::Skip: return "Skip";
    case Action::None: return "None";
  }
  return "None";
}

const char* reason_name(Reason r) {
  switch (r) {
    case Reason::NotRunning: return "NotRunning";
    case Reason::Terminating: return "Terminating";
    case Reason::ChangeAborted: return "ChangeAborted";
    case Reason::UpToDate: return "UpToDate";
    case Reason::MigrationInProgress: return "MigrationInProgress";
    case Reason::NoUpdateMethods: return "NoUpdateMethods";
    case Reason::NotLiveMigratable: return "NotLiveMigratable";
    case Reason::EvictionBlocked: return "EvictionBlocked";
    case Reason::ExternalEviction: return "ExternalEviction";
    case Reason::EvictionDisabled: return "EvictionDisabled";
    case Reason::MigrationsDisabled: return "MigrationsDisabled";
    case Reason::NoLauncherPod: return "NoLauncherPod";
    case Reason::LiveMigratable: return "LiveMigratable";
    case Reason::EvictionTriggersMigration: return "EvictionTriggersMigration";
    case Reason::LiveMigrateNotEnabled: return "LiveMigrateNotEnabled";
  }
  return "UpToDate";
}

const char* trigger_name(Trigger t) {
  switch (t) {
    case Trigger::None: return "";
    case Trigger::LauncherImage: return "LauncherImage";
    case Trigger::OutdatedLabel: return "OutdatedLabel";
    case Trigger::HotplugCPU: return "HotplugCPU";
    case Trigger::HotplugMemory: return "HotplugMemory";
    case Trigger::MigrationRequired: return "MigrationRequired";
    case Trigger::VolumesChange: return "VolumesChange";
    case Trigger::PreUpgrade: return "PreUpgrade";
  }
  return "";
}

const char* after_eviction_name(AfterEviction a) {
  switch (a) {
    case AfterEviction::NotApplicable: return "";
    case AfterEviction::Restart: return "Restart";
    case AfterEviction::StaysDown: return "StaysDown";
  }
  return "";
}

const char* execution_name(Execution e) {
  switch (e) {
    case Execution::Nothing: return "Nothing";
    case Execution::CreateMigration: return "CreateMigration";
    case Execution::EvictForMigration: return "EvictForMigration";
    case Execution::EvictAndShutDown: return "EvictAndShutDown";
  }
  return "Nothing";
}

Execution execution_of(Action action, Reason reason) {
  if (action == Action::Evict) return Execution::EvictAndShutDown;
  if (action != Action::LiveMigrate) return Execution::Nothing;
  return reason == Reason::EvictionTriggersMigration ? Execution::EvictForMigration : Execution::CreateMigration;
}

}  // namespace wu::decide
