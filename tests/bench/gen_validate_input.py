#!/usr/bin/env python3
"""Writes a multi-document YAML file of about SIZE megabytes for the validate benchmark.

Documents alternate between HyperConverged CRs (v1beta1 and v1, some with mistakes), KubeVirt CRs and
unrelated kinds, the way a directory of manifests or an `oc get -o yaml` dump looks.
Usage: gen_validate_input.py SIZE_MB OUTPUT
"""
import sys

HCO_V1BETA1 = """apiVersion: hco.kubevirt.io/v1beta1
kind: HyperConverged
metadata:
  name: kubevirt-hyperconverged
  namespace: openshift-cnv-{i}
  labels: {{app: kubevirt-hyperconverged, index: "{i}"}}
spec:
  workloadUpdateStrategy:
    workloadUpdateMethods: [LiveMigrate, {method}]
    batchEvictionSize: {size}
    batchEvictionInterval: {interval}
  liveMigrationConfig:
    parallelMigrationsPerCluster: 5
    parallelOutboundMigrationsPerNode: 2
    bandwidthPerMigration: 64Mi
    completionTimeoutPerGiB: 150
    progressTimeout: 150
  evictionStrategy: LiveMigrate
"""
HCO_V1 = """apiVersion: hco.kubevirt.io/v1
kind: HyperConverged
metadata:
  name: kubevirt-hyperconverged
  namespace: cnv-{i}
spec:
  virtualization:
    liveMigrationConfig:
      allowAutoConverge: false
      allowPostCopy: false
      completionTimeoutPerGiB: 20
      parallelMigrationsPerCluster: 5
      parallelOutboundMigrationsPerNode: 1
      progressTimeout: 150
    workloadUpdateStrategy:
      batchEvictionInterval: 1m0s
      batchEvictionSize: 10
      workloadUpdateMethods:
      - LiveMigrate
"""
KUBEVIRT = """apiVersion: kubevirt.io/v1
kind: KubeVirt
metadata:
  name: kubevirt
  namespace: kubevirt-{i}
spec:
  configuration:
    evictionStrategy: LiveMigrate
    migrations:
      parallelMigrationsPerCluster: 5
      parallelOutboundMigrationsPerNode: 2
  workloadUpdateStrategy:
    workloadUpdateMethods: [LiveMigrate]
"""
CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{i}
  namespace: default
data:
  a: "{i}"
  description: "filler document that validate recognises and skips as another kind"
"""


def main():
    size_mb, out = float(sys.argv[1]), sys.argv[2]
    target = int(size_mb * 1024 * 1024)
    written = 0
    i = 0
    with open(out, "w") as f:
        while written < target:
            kind = i % 4
            if kind == 0:
                doc = HCO_V1BETA1.format(i=i, method="Evict" if i % 8 else "evict", size=10 if i % 5 else 0,
                                         interval="1m0s" if i % 7 else "90s")
            elif kind == 1:
                doc = HCO_V1.format(i=i)
            elif kind == 2:
                doc = KUBEVIRT.format(i=i)
            else:
                doc = CONFIGMAP.format(i=i)
            doc = "---\n" + doc
            f.write(doc)
            written += len(doc)
            i += 1


if __name__ == "__main__":
    main()
