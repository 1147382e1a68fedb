/* Aether UI tests: the automatic layout. For every patch the project ships
   (positions taken away) and for large random patches with feedback loops:
   no two boxes overlap, every connection that is not feedback goes from
   left to right, feedback connections close a loop (so a patch without
   loops has none), AudioIn and MIDI nodes are in the first column and
   AudioOut in the last. Nodes with a position stay there and the others
   keep out of their way. The positions the shipped patches carry: on
   every node, no overlaps, left to right, no connection over a box. */

#include "layout.h"
#include "model.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char*
source_root(void)
{
  const char* const root = getenv("AETHER_SOURCE_ROOT");
  return root ? root : ".";
}

static AetherPatch*
parse(const char* const text, const char* const name)
{
  AetherPatch* patch = NULL;
  AetherError  err;
  if (aether_patch_parse(text, strlen(text), name, &patch, &err)) {
    fail_msg("%s: %s", name, err.message);
  }
  return patch;
}

/* A copy of `patch` whose nodes have no position. */
static AetherPatch*
unplaced(const AetherPatch* const patch)
{
  AetherPatch* copy = NULL;
  AetherError  err;
  char*        text = NULL;
  assert_int_equal(aether_patch_to_turtle(patch, &text, &err), AETHER_SUCCESS);
  copy = parse(text, "copy");
  free(text);
  for (uint32_t i = 0; i < aether_patch_n_nodes(patch); ++i) {
    AetherPatchNode node = *aether_patch_node(copy, i);
    AetherPatch*    next = NULL;
    node.layout_set      = 0;
    assert_int_equal(aether_patch_replace_node(copy, &node, &next, &err),
                     AETHER_SUCCESS);
    aether_patch_free(copy);
    copy = next;
  }
  return copy;
}

static uint32_t
node_index(const AetherPatch* const patch, const char* const name)
{
  const AetherPatchNode* const node = aether_patch_find(patch, name);
  assert_non_null(node);
  return (uint32_t)(node - aether_patch_node(patch, 0));
}

/* True if input `k` of node `dst` is in a loop: its source is reached
   from `dst` (a plain search, independent of the layout's). */
static bool
in_loop(const AetherPatch* const patch, const uint32_t dst, const uint32_t k)
{
  const uint32_t n = aether_patch_n_nodes(patch);
  const uint32_t src =
    node_index(patch, aether_patch_node(patch, dst)->inputs[k].source);
  uint8_t* const  seen  = (uint8_t*)calloc(n, 1);
  uint32_t* const todo  = (uint32_t*)malloc(n * sizeof(uint32_t));
  uint32_t        top   = 0;
  bool            found = false;
  todo[top++]           = dst;
  seen[dst]             = 1;
  while (top && !found) {
    const uint32_t v = todo[--top];
    found            = v == src;
    /* consumers of v */
    for (uint32_t w = 0; w < n && !found; ++w) {
      const AetherPatchNode* const node = aether_patch_node(patch, w);
      for (uint32_t j = 0; j < AETHER_MAX_INPUTS; ++j) {
        if (((node->inputs_set >> j) & 1U) && !seen[w] &&
            !strcmp(node->inputs[j].source,
                    aether_patch_node(patch, v)->name)) {
          seen[w]     = 1;
          todo[top++] = w;
        }
      }
    }
  }
  free(seen);
  free(todo);
  return found;
}

/* The properties every layout has. */
static void
check_layout(const AetherPatch* const    patch,
             const AetherUiLayout* const layout,
             const char* const           name,
             const bool                  check_loops)
{
  const uint32_t n = aether_patch_n_nodes(patch);
  assert_int_equal(layout->n_nodes, n);

  uint32_t last = 0;
  for (uint32_t v = 0; v < n; ++v) {
    last = layout->column[v] > last ? layout->column[v] : last;
  }

  for (uint32_t v = 0; v < n; ++v) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    const AetherUiBox* const     box  = &layout->boxes[v];
    double                       w    = 0.0;
    double                       h    = 0.0;
    aether_ui_node_size(node, &w, &h);
    assert_true(box->w == w && box->h == h);
    if (node->layout_set == AETHER_PATCH_XY) {
      assert_true(layout->placed[v]);
      assert_true(box->x == node->x && box->y == node->y);
    }

    /* No overlap with any other box (placed ones may overlap each other:
       the user put them there). */
    for (uint32_t u = 0; u < v; ++u) {
      if (layout->placed[u] && layout->placed[v]) {
        continue;
      }
      if (aether_ui_boxes_overlap(box, &layout->boxes[u])) {
        fail_msg("%s: \"%s\" and \"%s\" overlap",
                 name,
                 node->name,
                 aether_patch_node(patch, u)->name);
      }
    }

    if (!strcmp(node->type->name, "AudioIn") ||
        !strcmp(node->type->name, "MidiNote") ||
        !strcmp(node->type->name, "MidiCc")) {
      assert_int_equal(layout->column[v], 0);
    }
    if (!strcmp(node->type->name, "AudioOut")) {
      assert_int_equal(layout->column[v], last);
    }

    /* Connections: left to right unless feedback; feedback only where it
       closes a loop. */
    for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
      if (!((node->inputs_set >> k) & 1U)) {
        continue;
      }
      const uint32_t s  = node_index(patch, node->inputs[k].source);
      const bool     fb = layout->feedback[(size_t)v * AETHER_MAX_INPUTS + k];
      if (check_loops && fb && !in_loop(patch, v, k)) {
        fail_msg("%s: %s.%s is feedback but closes no loop",
                 name,
                 node->name,
                 node->type->inputs[k].name);
      }
      if (fb) {
        continue;
      }
      assert_true(layout->column[s] < layout->column[v]);
      if (!layout->placed[s] && !layout->placed[v] &&
          !(layout->boxes[s].x + layout->boxes[s].w < layout->boxes[v].x)) {
        fail_msg("%s: %s -> %s does not go left to right",
                 name,
                 aether_patch_node(patch, s)->name,
                 node->name);
      }
    }
  }
}

static uint32_t
check_dir(const char* const dir)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", source_root(), dir);
  DIR* const d = opendir(path);
  assert_non_null(d);
  uint32_t       count = 0;
  struct dirent* ent   = NULL;
  while ((ent = readdir(d))) {
    const size_t len = strlen(ent->d_name);
    if (len < 5 || strcmp(ent->d_name + len - 4, ".ttl")) {
      continue;
    }
    snprintf(path, sizeof(path), "%s/%s/%s", source_root(), dir, ent->d_name);
    AetherPatch* patch = NULL;
    AetherError  err;
    if (aether_patch_read_file(path, &patch, &err)) {
      fail_msg("%s", err.message);
    }
    AetherPatch* const bare   = unplaced(patch);
    AetherUiLayout     layout = { 0, NULL, NULL, NULL, NULL };
    assert_int_equal(aether_ui_layout_compute(&layout, bare), AETHER_SUCCESS);
    for (uint32_t v = 0; v < layout.n_nodes; ++v) {
      assert_false(layout.placed[v]);
    }
    check_layout(bare, &layout, ent->d_name, true);

    /* As shipped (with positions, if it has them). */
    assert_int_equal(aether_ui_layout_compute(&layout, patch), AETHER_SUCCESS);
    check_layout(patch, &layout, ent->d_name, true);

    aether_ui_layout_free(&layout);
    aether_patch_free(bare);
    aether_patch_free(patch);
    ++count;
  }
  closedir(d);
  return count;
}

static void
test_shipped_patches_are_laid_out_by_signal_flow(void** state)
{
  (void)state;
  assert_true(check_dir("ttl/presets") >= 10U);
  assert_true(check_dir("ttl/defaults") >= 2U);
  assert_true(check_dir("patches") >= 3U);
}

/* The box of a node as drawn: with the stack of a per-voice node (above
   and right) and the macro badges (below), whether it has them or not. */
static AetherUiBox
drawn_box(const AetherUiBox* const box)
{
  const AetherUiBox drawn = { box->x,
                              box->y - AETHER_UI_STACK,
                              box->w + AETHER_UI_STACK,
                              box->h + AETHER_UI_STACK + AETHER_UI_BADGE_H };
  return drawn;
}

static uint32_t
output_index(const AetherPatchNode* const node, const char* const output)
{
  for (uint32_t j = 0; output[0] && j < node->type->n_outputs; ++j) {
    if (!strcmp(node->type->outputs[j].name, output)) {
      return j;
    }
  }
  return 0;
}

/* True if the connection's curve passes over `box`. */
static bool
curve_crosses(const AetherUiCurve* const curve, const AetherUiBox* const box)
{
  for (uint32_t s = 0; s < curve->n; ++s) {
    const double* const p = curve->seg[s];
    for (uint32_t i = 0; i <= 200U; ++i) {
      const double t = i / 200.0;
      const double u = 1.0 - t;
      const double a = u * u * u;
      const double b = 3.0 * u * u * t;
      const double c = 3.0 * u * t * t;
      const double d = t * t * t;
      const double x = a * p[0] + b * p[2] + c * p[4] + d * p[6];
      const double y = a * p[1] + b * p[3] + c * p[5] + d * p[7];
      if (x > box->x && x < box->x + box->w && y > box->y &&
          y < box->y + box->h) {
        return true;
      }
    }
  }
  return false;
}

/* The positions a shipped patch carries: every node has one, no two boxes
   (as drawn, with stacks and badges) overlap, every connection but the
   feedback ones goes from left to right, and no connection passes over a
   box other than its own two. */
static void
check_positions(const AetherPatch* const patch, const char* const name)
{
  const uint32_t n      = aether_patch_n_nodes(patch);
  AetherUiLayout layout = { 0, NULL, NULL, NULL, NULL };
  assert_int_equal(aether_ui_layout_compute(&layout, patch), AETHER_SUCCESS);
  for (uint32_t v = 0; v < n; ++v) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    if (node->layout_set != AETHER_PATCH_XY || !layout.placed[v]) {
      fail_msg("%s: node \"%s\" has no position", name, node->name);
    }
    const AetherUiBox a = drawn_box(&layout.boxes[v]);
    for (uint32_t u = 0; u < v; ++u) {
      const AetherUiBox b = drawn_box(&layout.boxes[u]);
      if (aether_ui_boxes_overlap(&a, &b)) {
        fail_msg("%s: \"%s\" and \"%s\" overlap",
                 name,
                 node->name,
                 aether_patch_node(patch, u)->name);
      }
    }
  }

  for (uint32_t v = 0; v < n; ++v) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
      if (!((node->inputs_set >> k) & 1U)) {
        continue;
      }
      const uint32_t s = node_index(patch, node->inputs[k].source);
      const AetherPatchNode* const src  = aether_patch_node(patch, s);
      const AetherUiBox* const     from = &layout.boxes[s];
      const AetherUiBox* const     to   = &layout.boxes[v];
      if (!layout.feedback[(size_t)v * AETHER_MAX_INPUTS + k] &&
          !(from->x + from->w < to->x)) {
        fail_msg("%s: %s -> %s does not go left to right",
                 name,
                 src->name,
                 node->name);
      }
      double x0 = 0.0;
      double y0 = 0.0;
      double x1 = 0.0;
      double y1 = 0.0;
      aether_ui_port_pos(
        from, output_index(src, node->inputs[k].output), true, &x0, &y0);
      aether_ui_port_pos(to, k, false, &x1, &y1);
      AetherUiCurve curve;
      aether_ui_wire_curve(x0, y0, x1, y1, &curve);
      for (uint32_t w = 0; w < n; ++w) {
        if (w != v && w != s && curve_crosses(&curve, &layout.boxes[w])) {
          fail_msg("%s: %s -> %s.%s passes over \"%s\"",
                   name,
                   src->name,
                   node->name,
                   node->type->inputs[k].name,
                   aether_patch_node(patch, w)->name);
        }
      }
    }
  }
  aether_ui_layout_free(&layout);
}

static uint32_t
check_dir_positions(const char* const dir)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", source_root(), dir);
  DIR* const d = opendir(path);
  assert_non_null(d);
  uint32_t       count = 0;
  struct dirent* ent   = NULL;
  while ((ent = readdir(d))) {
    const size_t len = strlen(ent->d_name);
    if (len < 5 || strcmp(ent->d_name + len - 4, ".ttl")) {
      continue;
    }
    snprintf(path, sizeof(path), "%s/%s/%s", source_root(), dir, ent->d_name);
    AetherPatch* patch = NULL;
    AetherError  err;
    if (aether_patch_read_file(path, &patch, &err)) {
      fail_msg("%s", err.message);
    }
    check_positions(patch, ent->d_name);
    aether_patch_free(patch);
    ++count;
  }
  closedir(d);
  return count;
}

static void
test_shipped_patches_carry_their_layout(void** state)
{
  (void)state;
  assert_true(check_dir_positions("ttl/presets") >= 10U);
  assert_true(check_dir_positions("ttl/defaults") >= 2U);
  assert_true(check_dir_positions("patches") >= 3U);
}

static const char* const echo_text =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "node:in a ae:AudioIn .\n"
  "node:mix a ae:Mixer ; ae:in1 node:in.left ; ae:in2 node:fb .\n"
  "node:delay a ae:Delay ; ae:in node:mix .\n"
  "node:fb a ae:Gain ; ae:gain 0.5 ; ae:in node:delay .\n"
  "node:lfo a ae:Lfo .\n"
  "node:tone a ae:Filter ; ae:in node:delay ; ae:cutoff_cv node:lfo .\n"
  "node:out a ae:AudioOut ; ae:left node:tone ; ae:right node:in.right .\n";

static void
test_an_echo_loop(void** state)
{
  (void)state;
  AetherPatch* const patch  = parse(echo_text, "echo");
  AetherUiLayout     layout = { 0, NULL, NULL, NULL, NULL };
  assert_int_equal(aether_ui_layout_compute(&layout, patch), AETHER_SUCCESS);
  check_layout(patch, &layout, "echo", true);

  /* The signal comes in at mix: fb -> mix closes the loop mix -> delay ->
     fb -> mix, the only feedback connection (mix's in2). */
  const uint32_t delay = node_index(patch, "delay");
  uint32_t       n_fb  = 0;
  for (uint32_t i = 0; i < layout.n_nodes * AETHER_MAX_INPUTS; ++i) {
    n_fb += layout.feedback[i];
  }
  assert_int_equal(n_fb, 1);
  assert_true(
    layout.feedback[(size_t)node_index(patch, "mix") * AETHER_MAX_INPUTS + 1U]);

  /* Columns: in 0, mix 1, delay 2, fb and tone 3, out 4; the LFO just
     before the filter it drives. */
  assert_int_equal(layout.column[node_index(patch, "in")], 0);
  assert_int_equal(layout.column[node_index(patch, "mix")], 1);
  assert_int_equal(layout.column[delay], 2);
  assert_int_equal(layout.column[node_index(patch, "fb")], 3);
  assert_int_equal(layout.column[node_index(patch, "tone")], 3);
  assert_int_equal(layout.column[node_index(patch, "lfo")], 2);
  assert_int_equal(layout.column[node_index(patch, "out")], 4);

  aether_ui_layout_free(&layout);
  aether_patch_free(patch);
}

/* A random valid patch of `n` nodes: gains and mixers reading earlier
   nodes, delays reading later ones (loops through delays only). */
static AetherPatch*
random_patch(const uint32_t n, uint32_t seed, const bool placed_some)
{
  size_t cap  = (size_t)n * 200U + 256U;
  char*  text = (char*)malloc(cap);
  size_t len  = 0;
  assert_non_null(text);
  len += (size_t)snprintf(text + len,
                          cap - len,
                          "@prefix ae: <urn:aether:> .\n"
                          "@prefix node: <urn:aether:node:> .\n"
                          "node:n0 a ae:AudioIn .\n");
  for (uint32_t i = 1; i < n; ++i) {
    seed ^= seed << 13U;
    seed ^= seed >> 17U;
    seed ^= seed << 5U;
    const uint32_t a = seed % i;
    const uint32_t b = (seed >> 8U) % i;
    if (i + 1U == n) {
      len += (size_t)snprintf(text + len,
                              cap - len,
                              "node:n%u a ae:AudioOut ; ae:left node:n%u",
                              i,
                              a);
    } else if (seed % 7U == 0U && i + 2U < n) {
      /* a delay fed from further on: a feedback loop */
      const uint32_t later = i + 1U + (seed >> 4U) % (n - i - 2U);
      len += (size_t)snprintf(text + len,
                              cap - len,
                              "node:n%u a ae:Delay ; ae:in node:n%u",
                              i,
                              later);
    } else if (seed % 3U == 0U) {
      len += (size_t)snprintf(text + len,
                              cap - len,
                              "node:n%u a ae:Mixer ; ae:in1 node:n%u ; ae:in2 "
                              "node:n%u",
                              i,
                              a,
                              b);
    } else if (seed % 5U == 0U) {
      len += (size_t)snprintf(text + len, cap - len, "node:n%u a ae:Lfo", i);
    } else {
      len += (size_t)snprintf(
        text + len, cap - len, "node:n%u a ae:Gain ; ae:in node:n%u", i, a);
    }
    if (placed_some && seed % 11U == 0U) {
      len += (size_t)snprintf(text + len,
                              cap - len,
                              " ; ae:x %u ; ae:y %u",
                              (seed >> 3U) % 3000U,
                              (seed >> 7U) % 3000U);
    }
    len += (size_t)snprintf(text + len, cap - len, " .\n");
    assert_true(len < cap);
  }
  AetherPatch* const patch = parse(text, "random");
  free(text);
  return patch;
}

static void
test_large_random_patches(void** state)
{
  (void)state;
  for (uint32_t round = 0; round < 6; ++round) {
    const uint32_t     n      = round < 3 ? 60U : 1000U;
    AetherPatch* const patch  = random_patch(n, 0x1234567U + round, round & 1U);
    AetherUiLayout     layout = { 0, NULL, NULL, NULL, NULL };
    assert_int_equal(aether_ui_layout_compute(&layout, patch), AETHER_SUCCESS);
    check_layout(patch, &layout, "random", n <= 60U);
    aether_ui_layout_free(&layout);
    aether_patch_free(patch);
  }
}

static void
test_an_empty_patch(void** state)
{
  (void)state;
  AetherPatch* const patch  = aether_patch_new();
  AetherUiLayout     layout = { 0, NULL, NULL, NULL, NULL };
  assert_int_equal(aether_ui_layout_compute(&layout, patch), AETHER_SUCCESS);
  assert_int_equal(layout.n_nodes, 0);
  aether_ui_layout_free(&layout);
  aether_patch_free(patch);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_shipped_patches_are_laid_out_by_signal_flow),
    cmocka_unit_test(test_shipped_patches_carry_their_layout),
    cmocka_unit_test(test_an_echo_loop),
    cmocka_unit_test(test_large_random_patches),
    cmocka_unit_test(test_an_empty_patch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
