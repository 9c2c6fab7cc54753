// Reference Voronoi / radical cells from libvoro++ (Debian voro++-dev 0.4.6,
// C. H. Rycroft, Chaos 19, 041111 (2009)) printed to 17 significant digits,
// for the tests and the benchmark of src/analysis/structure/voronoi.ts. The
// voro++ command line prints 6 digits and has no precision option.
//
// Build: g++ -O2 -o voro-exact voro-exact.cc -lvoro++   (headers in /usr/include/voro++)
//
// stdin, first line:  xlo xhi ylo yhi zlo zhi xy xz yz px py pz radical
//   (px, py, pz: 1 periodic, 0 wall; a tilted box must be periodic in all
//   three directions: voro++'s container_periodic)
// then one line per atom: id x y z [radius]   (radius only if radical = 1)
// stdout, one line per atom in input order:
//   id volume surface nfaces  then per face: neighbour edges area
// Neighbours are atom ids; walls are negative (voro++: -1 x lo ... -6 z hi).
// Times the tessellation alone (no I/O) and prints it on stderr as
// "seconds <wall> cpu <process CPU time>".
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <vector>
#include "voro++/voro++.hh"

using namespace voro;

template <class C, class L>
static void collect(C &con, L &loop, std::vector<std::vector<double>> &row, const std::vector<int> &slot) {
  voronoicell_neighbor c;
  std::vector<int> nb, ord;
  std::vector<double> ar;
  if (loop.start()) do if (con.compute_cell(c, loop)) {
    int id = loop.pid();
    c.neighbors(nb); c.face_orders(ord); c.face_areas(ar);
    std::vector<double> &r = row[slot[id]];
    r = {double(id), c.volume(), c.surface_area(), double(nb.size())};
    for (size_t f = 0; f < nb.size(); f++) { r.push_back(nb[f]); r.push_back(ord[f]); r.push_back(ar[f]); }
  } while (loop.inc());
}

int main() {
  double lo[3], hi[3], xy, xz, yz;
  int per[3], radical;
  if (!(std::cin >> lo[0] >> hi[0] >> lo[1] >> hi[1] >> lo[2] >> hi[2] >> xy >> xz >> yz >> per[0] >> per[1] >> per[2] >> radical)) {
    std::fprintf(stderr, "voro-exact: bad header line\n");
    return 2;
  }
  std::vector<int> ids;
  std::vector<double> x, r;
  int id; double p[3], rad = 0;
  while (std::cin >> id >> p[0] >> p[1] >> p[2]) {
    if (radical && !(std::cin >> rad)) { std::fprintf(stderr, "voro-exact: atom %d has no radius\n", id); return 2; }
    ids.push_back(id); x.insert(x.end(), p, p + 3); r.push_back(rad);
  }
  const int n = ids.size();
  int maxId = 0;
  for (int k : ids) maxId = k > maxId ? k : maxId;
  std::vector<int> slot(maxId + 1, -1);
  for (int k = 0; k < n; k++) slot[ids[k]] = k;
  const double L[3] = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
  // about 5.6 atoms per computational block, as the voro++ command line
  const double blk = std::cbrt(5.6 * L[0] * L[1] * L[2] / (n > 0 ? n : 1));
  int nb[3];
  for (int k = 0; k < 3; k++) { nb[k] = int(L[k] / blk) + 1; }
  std::vector<std::vector<double>> row(n);
  const bool tilted = xy != 0 || xz != 0 || yz != 0;
  auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  if (tilted) {
    if (!(per[0] && per[1] && per[2])) { std::fprintf(stderr, "voro-exact: a tilted box must be periodic\n"); return 2; }
    // voro++'s periodic cell: a = (bx, 0, 0), b = (bxy, by, 0), c = (bxz, byz, bz), origin 0
    if (radical) {
      container_periodic_poly con(L[0], xy, L[1], xz, yz, L[2], nb[0], nb[1], nb[2], 8);
      for (int k = 0; k < n; k++) con.put(ids[k], x[3 * k] - lo[0], x[3 * k + 1] - lo[1], x[3 * k + 2] - lo[2], r[k]);
      c_loop_all_periodic loop(con); collect(con, loop, row, slot);
    } else {
      container_periodic con(L[0], xy, L[1], xz, yz, L[2], nb[0], nb[1], nb[2], 8);
      for (int k = 0; k < n; k++) con.put(ids[k], x[3 * k] - lo[0], x[3 * k + 1] - lo[1], x[3 * k + 2] - lo[2]);
      c_loop_all_periodic loop(con); collect(con, loop, row, slot);
    }
  } else if (radical) {
    container_poly con(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], nb[0], nb[1], nb[2], per[0], per[1], per[2], 8);
    for (int k = 0; k < n; k++) con.put(ids[k], x[3 * k], x[3 * k + 1], x[3 * k + 2], r[k]);
    c_loop_all loop(con); collect(con, loop, row, slot);
  } else {
    container con(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2], nb[0], nb[1], nb[2], per[0], per[1], per[2], 8);
    for (int k = 0; k < n; k++) con.put(ids[k], x[3 * k], x[3 * k + 1], x[3 * k + 2]);
    c_loop_all loop(con); collect(con, loop, row, slot);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  std::fprintf(stderr, "seconds %.6f cpu %.6f\n", secs, cpu);
  for (int k = 0; k < n; k++) {
    if (row[k].empty()) { std::printf("%d 0 0 0\n", ids[k]); continue; }
    std::printf("%d", ids[k]);
    for (size_t q = 1; q < row[k].size(); q++) std::printf(" %.17g", row[k][q]);
    std::printf("\n");
  }
  return 0;
}
