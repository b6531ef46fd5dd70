// Package k8s holds the Kubernetes manifests of the sharded load run (Kustomize directories,
// no Go code) and the tests that render them and play their contract without a cluster.
package k8s_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// rendered is a kustomization's output, every object decoded strictly into its API type.
type rendered struct {
	jobs        map[string]*batchv1.Job
	configMaps  map[string]*corev1.ConfigMap
	secrets     map[string]*corev1.Secret
	pvcs        map[string]*corev1.PersistentVolumeClaim
	pods        map[string]*corev1.Pod
	deployments map[string]*appsv1.Deployment
	services    map[string]*corev1.Service
}

// render runs Kustomize (the library kubectl apply -k embeds) on dir, on disk.
func render(t *testing.T, dir string) *rendered {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	r, err := decodeAll(out)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return r
}

// strict decodes one object as JSON into v, rejecting fields v's type does not have: a typo
// in a manifest (or a field of a newer API version) fails here rather than being dropped by
// the API server.
func strict(doc []byte, v any) error {
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func decodeAll(stream []byte) (*rendered, error) {
	r := &rendered{jobs: map[string]*batchv1.Job{}, configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{},
		pvcs: map[string]*corev1.PersistentVolumeClaim{}, pods: map[string]*corev1.Pod{}, deployments: map[string]*appsv1.Deployment{},
		services: map[string]*corev1.Service{}}
	for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
		var tm struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, err
		}
		key := tm.APIVersion + " " + tm.Kind
		var err error
		switch key {
		case "batch/v1 Job":
			v := &batchv1.Job{}
			err, r.jobs[tm.Metadata.Name] = strict(doc, v), v
		case "v1 ConfigMap":
			v := &corev1.ConfigMap{}
			err, r.configMaps[tm.Metadata.Name] = strict(doc, v), v
		case "v1 Secret":
			v := &corev1.Secret{}
			err, r.secrets[tm.Metadata.Name] = strict(doc, v), v
		case "v1 PersistentVolumeClaim":
			v := &corev1.PersistentVolumeClaim{}
			err, r.pvcs[tm.Metadata.Name] = strict(doc, v), v
		case "v1 Pod":
			v := &corev1.Pod{}
			err, r.pods[tm.Metadata.Name] = strict(doc, v), v
		case "apps/v1 Deployment":
			v := &appsv1.Deployment{}
			err, r.deployments[tm.Metadata.Name] = strict(doc, v), v
		case "v1 Service":
			v := &corev1.Service{}
			err, r.services[tm.Metadata.Name] = strict(doc, v), v
		default:
			return nil, fmt.Errorf("unexpected object %s %s", key, tm.Metadata.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", key, tm.Metadata.Name, err)
		}
	}
	return r, nil
}

// configMap returns the generated ConfigMap whose name starts with prefix (Kustomize adds a
// content hash to generated names).
func (r *rendered) configMap(t *testing.T, prefix string) *corev1.ConfigMap {
	t.Helper()
	for name, cm := range r.configMaps {
		if strings.HasPrefix(name, prefix+"-") {
			return cm
		}
	}
	t.Fatalf("no ConfigMap %s-<hash> in %v", prefix, slices.Collect(maps.Keys(r.configMaps)))
	return nil
}

// containerEnv is what the kubelet gives container c of pod spec ps: envFrom first, then env
// (which wins), values resolved from the rendered ConfigMaps and Secrets. fieldRef values
// (the completion index) are left to the caller.
func (r *rendered) containerEnv(t *testing.T, c corev1.Container) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, ef := range c.EnvFrom {
		switch {
		case ef.ConfigMapRef != nil:
			cm, ok := r.configMaps[ef.ConfigMapRef.Name]
			if !ok {
				t.Fatalf("container %s: envFrom ConfigMap %s is not rendered", c.Name, ef.ConfigMapRef.Name)
			}
			maps.Copy(env, cm.Data)
		case ef.SecretRef != nil:
			s, ok := r.secrets[ef.SecretRef.Name]
			if !ok {
				t.Fatalf("container %s: envFrom Secret %s is not rendered", c.Name, ef.SecretRef.Name)
			}
			for k, v := range s.Data {
				env[k] = string(v)
			}
			maps.Copy(env, s.StringData)
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env[e.Name] = e.Value
		}
	}
	return env
}

// varRef matches the kubelet's $(NAME) references.
var varRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expand replaces $(NAME) with env's value the way the kubelet does for command and args;
// an undefined reference fails the test (the kubelet would leave it as text, silently).
func expand(t *testing.T, args []string, env map[string]string) []string {
	t.Helper()
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = varRef.ReplaceAllStringFunc(a, func(m string) string {
			name := m[2 : len(m)-1]
			v, ok := env[name]
			if !ok {
				t.Fatalf("arg %q refers to $(%s), which the container's environment does not define", a, name)
			}
			return v
		})
	}
	return out
}

func TestManifestsRenderAndDecodeStrictly(t *testing.T) {
	for _, dir := range []string{"base", "emulator", "demo", "demo-no-rwx"} {
		t.Run(dir, func(t *testing.T) { render(t, dir) })
	}
}

// The demo kustomization describes the run the README promises.
func TestDemoRunContract(t *testing.T) {
	r := render(t, "demo")
	run := r.configMap(t, "pns-run")
	shards, err := strconv.Atoi(run.Data["SHARDS"])
	if err != nil {
		t.Fatalf("SHARDS %q", run.Data["SHARDS"])
	}
	load := r.jobs["pns-load"]
	if load == nil || r.jobs["pns-merge"] == nil {
		t.Fatalf("jobs %v", slices.Collect(maps.Keys(r.jobs)))
	}
	spec := load.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion ||
		spec.Completions == nil || int(*spec.Completions) != shards || spec.Parallelism == nil || int(*spec.Parallelism) != shards {
		t.Fatalf("load Job: completionMode %v completions %v parallelism %v, want Indexed and SHARDS=%d for both",
			spec.CompletionMode, spec.Completions, spec.Parallelism, shards)
	}
	if spec.BackoffLimitPerIndex == nil || *spec.BackoffLimitPerIndex != 0 {
		t.Fatal("a failed shard must not be retried: its retry would not start with the others")
	}
	pod := spec.Template.Spec
	if len(pod.InitContainers) != 0 || len(pod.Containers) != 1 {
		t.Fatalf("load pod: %d init containers, %d containers; want one container, no emulator sidecar", len(pod.InitContainers), len(pod.Containers))
	}
	c := pod.Containers[0]
	env := r.containerEnv(t, c)
	env["JOB_COMPLETION_INDEX"] = "1"
	args := strings.Join(expand(t, c.Args, env), " ")
	for _, want := range []string{"--target=https://pns-emulator ", "--shard=1/" + run.Data["SHARDS"], "--start-at=" + run.Data["START_AT"],
		"--run-id=" + run.Data["RUN_ID"], "--out=/results/" + run.Data["RUN_ID"] + "/shard-1 ", "--allow-remote", "--max-rate="} {
		if !strings.Contains(args+" ", want) {
			t.Errorf("load args %q lack %q", args, want)
		}
	}
	for _, s := range []string{"PNS_AXB_SECRET", "PNS_AX_SECRET", "PNS_AXE_SECRET"} {
		if env[s] == "" {
			t.Errorf("load container: secret %s not in the environment", s)
		}
	}
	if slices.ContainsFunc(c.Args, func(a string) bool {
		return strings.Contains(a, "secret") && strings.Contains(a, "=") && !strings.HasPrefix(a, "--insecure")
	}) {
		t.Errorf("a secret is passed in args %v: args are visible in the pod spec", c.Args)
	}
	// The profile comes from the generated ConfigMap, mounted where --profile reads it.
	if !slices.Contains(c.Args, "--profile=/etc/pns-harness/profile.yaml") || r.configMap(t, "pns-profile").Data["profile.yaml"] == "" {
		t.Error("the profile ConfigMap does not reach --profile")
	}
	mergeC := r.jobs["pns-merge"].Spec.Template.Spec.Containers[0]
	margs := strings.Join(expand(t, mergeC.Args, r.containerEnv(t, mergeC)), " ")
	for _, want := range []string{"report --merge", "--shards=" + run.Data["SHARDS"], "--wait=", "/results/" + run.Data["RUN_ID"]} {
		if !strings.Contains(margs, want) {
			t.Errorf("merge args %q lack %q", margs, want)
		}
	}
	// Both Jobs use the one shared volume.
	for _, j := range r.jobs {
		for _, v := range j.Spec.Template.Spec.Volumes {
			if v.PersistentVolumeClaim != nil && r.pvcs[v.PersistentVolumeClaim.ClaimName] == nil {
				t.Errorf("Job %s mounts claim %s, which is not rendered", j.Name, v.PersistentVolumeClaim.ClaimName)
			}
			if v.ConfigMap != nil && r.configMaps[v.ConfigMap.Name] == nil {
				t.Errorf("Job %s mounts ConfigMap %s, which is not rendered", j.Name, v.ConfigMap.Name)
			}
		}
	}
	if pvc := r.pvcs["pns-load-results"]; pvc == nil || !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Error("the results claim must be ReadWriteMany (shards on several nodes write to it)")
	}
	// The demo platform: one emulator serving only /rest, reachable only in the cluster.
	d := r.deployments["pns-emulator"]
	if d == nil || d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || !slices.Contains(d.Spec.Template.Spec.Containers[0].Args, "--platform-only") {
		t.Fatalf("emulator Deployment %+v: want one replica with --platform-only", d)
	}
	svc := r.services["pns-emulator"]
	if svc == nil || svc.Spec.Type != corev1.ServiceTypeClusterIP || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort.StrVal != "rest" {
		t.Fatalf("emulator Service %+v: want ClusterIP with the rest port only", svc)
	}
}

// SHARDS is the one place the shard count is set: editing it in the overlay changes the Job's
// completions and parallelism and what the merge step expects.
func TestShardCountSetInOnePlace(t *testing.T) {
	fs := filesys.MakeFsInMemory()
	for _, f := range []string{"base/kustomization.yaml", "base/load-job.yaml", "base/merge-job.yaml", "base/results.yaml", "base/profile.yaml",
		"emulator/kustomization.yaml", "emulator/emulator.yaml", "demo/kustomization.yaml", "demo/run.env"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if f == "demo/kustomization.yaml" {
			if !bytes.Contains(b, []byte("- SHARDS=3\n")) {
				t.Fatal("demo/kustomization.yaml does not set SHARDS=3")
			}
			b = bytes.Replace(b, []byte("- SHARDS=3\n"), []byte("- SHARDS=5\n"), 1)
		}
		if err := fs.WriteFile("/k/"+f, b); err != nil {
			t.Fatal(err)
		}
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/k/demo")
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	r, err := decodeAll(out)
	if err != nil {
		t.Fatal(err)
	}
	spec := r.jobs["pns-load"].Spec
	if *spec.Completions != 5 || *spec.Parallelism != 5 {
		t.Fatalf("completions %d parallelism %d, want 5", *spec.Completions, *spec.Parallelism)
	}
	mc := r.jobs["pns-merge"].Spec.Template.Spec.Containers[0]
	if args := expand(t, mc.Args, r.containerEnv(t, mc)); !slices.Contains(args, "--shards=5") {
		t.Fatalf("merge args %v", args)
	}
}

// Without a ReadWriteMany volume: no shared claim, no merge Job, and each shard's result on
// stdout.
func TestNoSharedVolumeComponent(t *testing.T) {
	r := render(t, "demo-no-rwx")
	if len(r.pvcs) != 0 || r.jobs["pns-merge"] != nil || len(r.pods) != 0 {
		t.Fatalf("claims %v, merge Job %v, pods %v: want none", slices.Collect(maps.Keys(r.pvcs)), r.jobs["pns-merge"] != nil, slices.Collect(maps.Keys(r.pods)))
	}
	pod := r.jobs["pns-load"].Spec.Template.Spec
	if !slices.Contains(pod.Containers[0].Args, "--json") {
		t.Errorf("load args %v lack --json", pod.Containers[0].Args)
	}
	for _, v := range pod.Volumes {
		if v.PersistentVolumeClaim != nil {
			t.Errorf("volume %s still uses claim %s", v.Name, v.PersistentVolumeClaim.ClaimName)
		}
	}
}

// The strict decoding is what catches a typo: a field the API type does not have, or a value
// of the wrong type, fails instead of being dropped.
func TestStrictDecodingRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field": "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  completionMode: Indexed\n  completion: 3\n",
		"wrong type":    "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  completions: \"3\"\n",
		"nested typo":   "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 443, targetPrt: rest}]\n",
		"unknown kind":  "apiVersion: v1\nkind: Sidecar\nmetadata: {name: s}\n",
	} {
		if _, err := decodeAll([]byte(doc)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}
