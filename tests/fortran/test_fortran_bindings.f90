! The Fortran bindings (module voigtspin) reproduce closed-form numbers from every handle, with the
! documented index rules: natural (i, j) indexing, eigenvectors in columns, 1-based positions.
! Output is TAP (one line per check); the exit code is non-zero if any check failed.
!
! Reference material: σ = 0.35, μ = 1 gives K = 2μ(1+σ)/(3(1−2σ)) = 3, λ = K − 2μ/3 = 7/3,
! E = 2μ(1+σ) = 2.7, c_l/c_t = sqrt((λ+2μ)/μ) = sqrt(13/3); Mandel eigenvalues 3K = 9 (once) and
! 2μ = 2 (five times) (paper, after Eq. A2).
module tap
  use, intrinsic :: iso_c_binding, only: c_double
  implicit none
  private
  public :: ok, close_to, all_close, tap_finish
  integer, save :: ntests = 0, nfailed = 0
contains
  subroutine ok(cond, name)
    logical, intent(in) :: cond
    character(len=*), intent(in) :: name
    ntests = ntests + 1
    if (cond) then
      write (*, '(a, i0, a)') 'ok ', ntests, ' - ' // name
    else
      nfailed = nfailed + 1
      write (*, '(a, i0, a)') 'not ok ', ntests, ' - ' // name
    end if
  end subroutine ok

  ! |a - b| <= rtol max(|a|, |b|) + atol, with the numbers in a TAP diagnostic on failure.
  subroutine close_to(a, b, rtol, atol, name)
    real(c_double), intent(in) :: a, b, rtol, atol
    character(len=*), intent(in) :: name
    logical :: good
    good = abs(a - b) <= rtol * max(abs(a), abs(b)) + atol
    call ok(good, name)
    if (.not. good) write (*, '(a, es24.16, a, es24.16)') '# got ', a, ' expected ', b
  end subroutine close_to

  subroutine all_close(a, b, atol, name)
    real(c_double), intent(in) :: a(:), b(:), atol
    character(len=*), intent(in) :: name
    logical :: good
    good = size(a) == size(b)
    if (good) good = all(abs(a - b) <= atol)
    call ok(good, name)
    if (.not. good .and. size(a) == size(b)) write (*, '(a, es12.4)') '# max |diff| = ', maxval(abs(a - b))
  end subroutine all_close

  subroutine tap_finish()
    write (*, '(a, i0)') '1..', ntests
    if (nfailed > 0) then
      write (*, '(a, i0, a)') '# ', nfailed, ' check(s) failed'
      stop 1
    end if
  end subroutine tap_finish
end module tap

! Integrands for vs_sphere_average: BIND(C) functions with the vs_sphere_fn interface.
module sphere_integrands
  use, intrinsic :: iso_c_binding, only: c_double, c_int, c_ptr, c_f_pointer, c_associated
  implicit none
  private
  public :: moments, failing, quarter_g2
contains
  ! F_cb(g) = k g^2 with k read through user (0.25 in the test): F' = 2 k g, F'' = 2 k.
  function quarter_g2(g, f, df, d2f, user) bind(c) result(rc)
    real(c_double), value :: g
    real(c_double), intent(out) :: f, df, d2f
    type(c_ptr), value :: user
    integer(c_int) :: rc
    real(c_double), pointer :: k
    rc = 1
    if (.not. c_associated(user)) return
    call c_f_pointer(user, k)
    f = k * g * g
    df = 2.0_c_double * k * g
    d2f = 2.0_c_double * k
    rc = 0
  end function quarter_g2
  ! (x^2, x^2 y^2, 1) times the scale that ctx points to: averages (1/3, 1/15, 1) times the scale.
  function moments(khat, out, ctx) bind(c) result(rc)
    real(c_double), intent(in) :: khat(3)
    real(c_double), intent(out) :: out(*)
    type(c_ptr), value :: ctx
    integer(c_int) :: rc
    real(c_double), pointer :: scale
    rc = 1
    if (.not. c_associated(ctx)) return
    call c_f_pointer(ctx, scale)
    out(1:3) = scale * [khat(1)**2, khat(1)**2 * khat(2)**2, 1.0_c_double]
    rc = 0
  end function moments

  function failing(khat, out, ctx) bind(c) result(rc)
    real(c_double), intent(in) :: khat(3)
    real(c_double), intent(out) :: out(*)
    type(c_ptr), value :: ctx
    integer(c_int) :: rc
    out(1) = khat(1)
    rc = merge(8_c_int, 7_c_int, c_associated(ctx))   ! non-zero either way

  end function failing
end module sphere_integrands

program test_fortran_bindings
  use, intrinsic :: iso_c_binding, only: c_double, c_int, c_ptr, c_loc, c_null_ptr, c_size_t, c_long
  use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_quiet_nan
  use voigtspin
  use tap
  use sphere_integrands
  implicit none

  real(c_double), parameter :: sigma = 0.35_c_double, mu = 1.0_c_double
  real(c_double), parameter :: bulk = 3.0_c_double, lambda = 7.0_c_double / 3.0_c_double
  real(c_double), parameter :: tol = 1.0e-12_c_double

  call test_version_constants_match_library()
  call test_status_codes_and_messages()
  call test_mandel_eigenvalues_are_2mu_and_3K()
  call test_mandel_matrix_natural_indexing_and_eigenvector_columns()
  call test_spin_basis_columns_are_q_vectors()
  call test_isotropic_tensor_closed_form()
  call test_isotropic_constructors_agree()
  call test_isotropic_moduli_and_sound_speeds()
  call test_hexagonal_voigt_and_tensor_positions()
  call test_cubic_voigt_average_and_general_constructor()
  call test_christoffel_isotropic()
  call test_strain_mandel_spin_conversions()
  call test_mandel_square_roots()
  call test_clone_is_independent()
  call test_errors_are_reported_in_stat()
  call test_average_coupling_eigenvalues_are_jcompr_and_jshear()
  call test_coupling_ratio_three_routes()
  call test_jtilde_is_rank3_projector_and_harmonics_sum_to_it()
  call test_ktilde_along_z_closed_form()
  call test_dipolar_kernel()
  call test_sphere_average_with_fortran_callback()
  call test_rfot_relations()
  call test_meanfield_compr_shear_phases_and_couplings()
  call test_meanfield_solution_is_stationary()
  call test_meanfield_custom_eigenvectors_round_trip()
  call test_meanfield_from_coupling()
  call test_meanfield_options()
  call test_meanfield_landscape_closed_form()
  call test_meanfield_phase_diagram_layout()
  call test_oscillator_closed_forms()
  call test_gprofile_paramagnetic_branch_and_penalty_callback()
  call test_gprofile_common_tangent()
  call test_lattice_sizes_positions_and_options()
  call test_lattice_fft_fields_equal_pair_sums()
  call test_lattice_energies_three_routes()
  call test_lattice_workspace_equals_handle_path()
  call test_lattice_pair_table_nearest_neighbour_sc()
  call test_lattice_monte_carlo_move()
  call test_lattice_onsite_and_uniform_terms()
  call test_lattice_fourier_layout_bcc()
  call test_lattice_luttinger_tisza_min_dipolar_sc()
  call test_lattice_memory_estimate_and_planner_lock()
  call test_lattice_open_cluster_and_bad_shapes()
  call test_lattice_elastic_kernel_six_components()
  ! Fixed-size outputs, the `_into` procedures (issue 10, since 1.1).
  call test_into_coupling_fixed_size_arrays()
  call test_into_meanfield_fixed_size_arrays()
  call test_into_lattice_fixed_size_arrays()
  call test_sampler_parallel_tempering_and_queries()
  ! sampler observables (issue 11, since 1.1)
  call test_sampler_observables()
  call test_sampler_checkpoint_resumes_the_chain()
  call test_sampler_config_moves_between_samplers()
  ! the coupling table by slabs (issue 15, since 1.1)
  call test_lattice_table_slab_equals_coupling()
  call tap_finish()

contains

  !> vs_lattice_table_slab (since 1.1): planes 1..2 (0-based [1, 3)) of the dipolar sc 4^3 table equal
  !> vs_lattice_coupling of the lattice built from the same arguments; a short out is refused.
  subroutine test_lattice_table_slab_equals_coupling()
    type(vs_lattice_t) :: lat
    type(vs_coupling_t) :: dip
    real(c_double) :: cell(3, 3), frac(3, 1), err
    real(c_double), allocatable :: out(:), t(:, :)
    integer :: st, d0, d1, d2, a, b, c, m
    cell = 0.0_c_double
    cell(1, 1) = 1.0_c_double
    cell(2, 2) = 1.0_c_double
    cell(3, 3) = 1.0_c_double
    frac = 0.0_c_double
    call dip%create_dipolar()
    call lat%create(cell, frac, [4, 4, 4], dip, stat=st)
    allocate (out(2 * 16 * 6))
    call vs_lattice_table_slab(cell, frac, [4, 4, 4], VS_LATTICE_TABLE_FULL, 1, 3, out, dip, stat=st)
    call ok(st == VS_OK, 'vs_lattice_table_slab of planes [1, 3)')
    err = 0.0_c_double
    do d0 = 1, 2
      do d1 = 0, 3
        do d2 = 0, 3
          m = (d0 * 4 + d1) * 4 + d2 + 1
          call vs_lattice_coupling(lat, m, 1, t)
          c = (((d0 - 1) * 4 + d1) * 4 + d2) * 6
          do a = 1, 3
            do b = a, 3
              c = c + 1
              err = max(err, abs(out(c) - t(a, b)))
            end do
          end do
        end do
      end do
    end do
    call ok(err <= 1e-13_c_double, 'the slab equals vs_lattice_coupling')
    call vs_lattice_table_slab(cell, frac, [4, 4, 4], VS_LATTICE_TABLE_FULL, 1, 3, out(1:10), dip, stat=st)
    call ok(st == VS_EINVAL, 'a short out gives VS_EINVAL')
    call vs_lattice_table_slab(cell, frac, [4, 4, 4], VS_LATTICE_TABLE_FULL, 3, 5, out, dip, stat=st)
    call ok(st == VS_EINVAL, 'a slab beyond the grid gives VS_EINVAL')
    call vs_lattice_table_slab(cell, frac, [4, 4, 4], VS_LATTICE_TABLE_RECIP, 0, 1, out, dip, stat=st)
    call ok(st == VS_OK, 'the reciprocal part of one k-plane (2*4*3*6 values) fits and succeeds')
    call vs_lattice_table_slab(cell, frac, [4, 4, 4], 7, 0, 1, out, dip, stat=st)
    call ok(st == VS_EINVAL, 'an unknown part gives VS_EINVAL')
    call lat%free()
    call dip%free()
  end subroutine test_lattice_table_slab_equals_coupling

  pure function eye(n) result(a)
    integer, intent(in) :: n
    real(c_double) :: a(n, n)
    integer :: i
    a = 0.0_c_double
    do i = 1, n
      a(i, i) = 1.0_c_double
    end do
  end function eye

  pure real(c_double) function delta(i, j)
    integer, intent(in) :: i, j
    delta = merge(1.0_c_double, 0.0_c_double, i == j)
  end function delta

  subroutine make_reference(el)
    type(vs_elastic_t), intent(out) :: el
    integer :: st
    call vs_elastic_create_poisson_shear(el, sigma, mu, st)
    call ok(st == VS_OK .and. el%is_associated(), 'reference tensor (sigma = 0.35, mu = 1) is created')
  end subroutine make_reference

  subroutine test_version_constants_match_library()
    call ok(vs_version() == VS_VERSION_NUMBER, 'vs_version() equals the module VS_VERSION_NUMBER')
    call ok(trim(vs_version_string()) == VS_MODULE_VERSION_STRING, 'vs_version_string() equals the module version string')
    call ok(vs_version() == VS_VERSION_MAJOR * 10000 + VS_VERSION_MINOR * 100 + VS_VERSION_PATCH, &
            'version number is MAJOR*10000 + MINOR*100 + PATCH')
  end subroutine test_version_constants_match_library

  subroutine test_status_codes_and_messages()
    integer :: code
    logical :: described
    character(len=VS_MESSAGE_LEN) :: msg
    ! The values are ABI (common.h): they must never change.
    call ok(VS_OK == 0 .and. VS_EINVAL == -1 .and. VS_ENONPHYS == -2 .and. VS_ENOMEM == -3 .and. &
            VS_ENOCONV == -4 .and. VS_EOVERFLOW == -5 .and. VS_ENUMERIC == -6 .and. VS_EIO == -7 .and. &
            VS_EUNSUPPORTED == -8 .and. VS_ECALLBACK == -9, 'status codes have their fixed C values')
    described = .true.
    do code = 0, -9, -1
      msg = vs_strerror(code)
      described = described .and. len_trim(msg) > 0 .and. msg /= 'unknown status code'
    end do
    call ok(described, 'every status code has a description')
    call ok(vs_strerror(12345) == 'unknown status code', 'unknown codes are described as such')
  end subroutine test_status_codes_and_messages

  subroutine test_mandel_eigenvalues_are_2mu_and_3K()
    type(vs_elastic_t) :: el
    real(c_double) :: w(6)
    integer :: st
    call make_reference(el)
    call el%mandel_eigen(w=w, stat=st)
    call ok(st == VS_OK, 'mandel_eigen succeeds')
    call all_close(w(1:5), [2.0_c_double, 2.0_c_double, 2.0_c_double, 2.0_c_double, 2.0_c_double], 1e-12_c_double, &
                   'five Mandel eigenvalues equal 2 mu = 2')
    call close_to(w(6), 3.0_c_double * bulk, tol, 0.0_c_double, 'largest Mandel eigenvalue equals 3 K = 9')
    call el%free()
  end subroutine test_mandel_eigenvalues_are_2mu_and_3K

  subroutine test_mandel_matrix_natural_indexing_and_eigenvector_columns()
    type(vs_elastic_t) :: el
    real(c_double) :: m(6, 6), w(6), v(6, 6), rebuilt(6, 6), q1(6)
    integer :: j
    call make_reference(el)
    call el%mandel(m)
    ! Isotropic Mandel matrix: lambda + 2 mu on the normal diagonal, lambda off it, 2 mu on the shear diagonal.
    call close_to(m(1, 1), lambda + 2.0_c_double * mu, tol, 0.0_c_double, 'M(1,1) = lambda + 2 mu')
    call close_to(m(1, 2), lambda, tol, 0.0_c_double, 'M(1,2) = lambda')
    call close_to(m(3, 1), lambda, tol, 0.0_c_double, 'M(3,1) = lambda')
    call close_to(m(4, 4), 2.0_c_double * mu, tol, 0.0_c_double, 'M(4,4) = 2 mu (Mandel shear)')
    call close_to(m(1, 4), 0.0_c_double, 0.0_c_double, tol, 'M(1,4) = 0 (no normal-shear coupling)')
    call vs_elastic_mandel_eigen(el, w, v)
    ! Column j of v is the eigenvector of w(j): the largest (3K) is the compression vector q1.
    q1 = [1.0_c_double, 1.0_c_double, 1.0_c_double, 0.0_c_double, 0.0_c_double, 0.0_c_double] / sqrt(3.0_c_double)
    call close_to(abs(dot_product(v(:, 6), q1)), 1.0_c_double, tol, 0.0_c_double, &
                  'eigenvector column v(:,6) of 3K is the compression direction q1')
    call close_to(maxval(abs(matmul(q1, v(:, 1:5)))), 0.0_c_double, 0.0_c_double, 1e-12_c_double, &
                  'shear eigenvector columns are orthogonal to q1')
    rebuilt = 0.0_c_double
    do j = 1, 6
      rebuilt = rebuilt + w(j) * spread(v(:, j), 2, 6) * spread(v(:, j), 1, 6)
    end do
    call all_close(reshape(rebuilt, [36]), reshape(m, [36]), 1e-12_c_double, 'M = V diag(w) V^T')
    call all_close(reshape(matmul(transpose(v), v), [36]), reshape(eye(6), [36]), 1e-12_c_double, &
                   'eigenvector columns are orthonormal')
    call el%free()
  end subroutine test_mandel_matrix_natural_indexing_and_eigenvector_columns

  subroutine test_spin_basis_columns_are_q_vectors()
    real(c_double) :: q(6, 6), e(6)
    real(c_double), parameter :: r2 = sqrt(2.0_c_double), r3 = sqrt(3.0_c_double), r6 = sqrt(6.0_c_double)
    integer :: st
    call vs_spin_basis(q, st)
    call ok(st == VS_OK, 'vs_spin_basis succeeds')
    ! Q is not symmetric, so these columns prove the row-major -> column-major transpose.
    call all_close(q(:, 1), [1.0_c_double, 1.0_c_double, 1.0_c_double, 0.0_c_double, 0.0_c_double, 0.0_c_double] / r3, &
                   1e-15_c_double, 'q(:,1) = (1,1,1,0,0,0)/sqrt(3)')
    call all_close(q(:, 2), [1.0_c_double, -1.0_c_double, 0.0_c_double, 0.0_c_double, 0.0_c_double, 0.0_c_double] / r2, &
                   1e-15_c_double, 'q(:,2) = (1,-1,0,0,0,0)/sqrt(2)')
    call all_close(q(:, 3), [1.0_c_double, 1.0_c_double, -2.0_c_double, 0.0_c_double, 0.0_c_double, 0.0_c_double] / r6, &
                   1e-15_c_double, 'q(:,3) = (1,1,-2,0,0,0)/sqrt(6)')
    e = 0.0_c_double
    e(5) = 1.0_c_double
    call all_close(q(:, 5), e, 1e-15_c_double, 'q(:,5) = e5')
  end subroutine test_spin_basis_columns_are_q_vectors

  subroutine test_isotropic_tensor_closed_form()
    type(vs_elastic_t) :: el
    real(c_double) :: l(3, 3, 3, 3), worst
    integer :: i, j, k, m
    call make_reference(el)
    call el%tensor(l)
    worst = 0.0_c_double
    do m = 1, 3
      do k = 1, 3
        do j = 1, 3
          do i = 1, 3
            worst = max(worst, abs(l(i, j, k, m) - (lambda * delta(i, j) * delta(k, m) &
                                     + mu * (delta(i, k) * delta(j, m) + delta(i, m) * delta(j, k)))))
          end do
        end do
      end do
    end do
    call close_to(worst, 0.0_c_double, 0.0_c_double, 1e-12_c_double, &
                  'L(i,j,k,l) = lambda d_ij d_kl + mu (d_ik d_jl + d_il d_jk) for all 81 entries')
    call el%free()
  end subroutine test_isotropic_tensor_closed_form

  subroutine test_isotropic_constructors_agree()
    type(vs_elastic_t) :: ref, el(5)
    real(c_double) :: mref(6, 6), m(6, 6)
    integer :: i, st(5)
    character(len=*), parameter :: names(5) = [character(len=13) :: 'lame', 'bulk_shear', 'young_poisson', &
                                                'poisson_shear', 'sound_ratio']
    call make_reference(ref)
    call ref%mandel(mref)
    call el(1)%create_lame(lambda, mu, st(1))
    call el(2)%create_bulk_shear(bulk, mu, st(2))
    call el(3)%create_young_poisson(2.0_c_double * mu * (1.0_c_double + sigma), sigma, st(3))
    call el(4)%create_poisson_shear(sigma, mu, st(4))
    call el(5)%create_sound_ratio(sqrt((lambda + 2.0_c_double * mu) / mu), mu, st(5))
    do i = 1, 5
      call el(i)%mandel(m)
      call all_close(reshape(m, [36]), reshape(mref, [36]), 1e-12_c_double, &
                     'create_' // trim(names(i)) // ' gives the same Mandel matrix')
      call ok(st(i) == VS_OK, 'create_' // trim(names(i)) // ' reports VS_OK')
      call el(i)%free()
    end do
    call ref%free()
  end subroutine test_isotropic_constructors_agree

  subroutine test_isotropic_moduli_and_sound_speeds()
    type(vs_elastic_t) :: el
    real(c_double) :: md(6), speeds(2)
    integer(c_int) :: sym
    call make_reference(el)
    call el%symmetry(sym)
    call ok(sym == VS_ELASTIC_ISOTROPIC, 'symmetry is VS_ELASTIC_ISOTROPIC')
    call el%moduli(VS_AVERAGE_EXACT, md)
    call all_close(md, [bulk, mu, lambda, 2.0_c_double * mu * (1.0_c_double + sigma), sigma, &
                        sqrt((lambda + 2.0_c_double * mu) / mu)], 1e-12_c_double, &
                   'moduli(1:6) = (K, mu, lambda, E, sigma, c_l/c_t) = (3, 1, 7/3, 2.7, 0.35, sqrt(13/3))')
    call el%sound_speeds(2.0_c_double, speeds)
    call all_close(speeds, [sqrt((lambda + 2.0_c_double * mu) / 2.0_c_double), sqrt(mu / 2.0_c_double)], &
                   1e-12_c_double, 'sound speeds at rho = 2 are (sqrt((lambda+2mu)/rho), sqrt(mu/rho))')
    call el%free()
  end subroutine test_isotropic_moduli_and_sound_speeds

  subroutine test_hexagonal_voigt_and_tensor_positions()
    type(vs_elastic_t) :: el
    real(c_double) :: c(6, 6), l(3, 3, 3, 3)
    real(c_double), parameter :: c11 = 10.0_c_double, c12 = 4.0_c_double, c13 = 3.0_c_double, &
                                 c33 = 8.0_c_double, c44 = 2.0_c_double
    integer(c_int) :: sym
    integer :: st
    call el%create_hexagonal(c11, c12, c13, c33, c44, st)
    call ok(st == VS_OK, 'hexagonal tensor is created')
    call el%symmetry(sym)
    call ok(sym == VS_ELASTIC_HEXAGONAL, 'symmetry is VS_ELASTIC_HEXAGONAL')
    call el%voigt(c)
    ! 1-based Voigt positions 1..6 = 11, 22, 33, 23, 31, 12; c-axis along z.
    call all_close([c(1, 1), c(2, 2), c(1, 2), c(1, 3), c(2, 3), c(3, 3), c(4, 4), c(5, 5), c(6, 6)], &
                   [c11, c11, c12, c13, c13, c33, c44, c44, 0.5_c_double * (c11 - c12)], 1e-12_c_double, &
                   'Voigt matrix entries sit at their 1-based positions (C66 = (C11-C12)/2)')
    call el%tensor(l)
    call all_close([l(3, 3, 3, 3), l(1, 1, 3, 3), l(3, 3, 2, 2), l(2, 3, 2, 3), l(1, 2, 1, 2), l(1, 1, 1, 2)], &
                   [c33, c13, c13, c44, 0.5_c_double * (c11 - c12), 0.0_c_double], 1e-12_c_double, &
                   'L(3,3,3,3) = C33, L(1,1,3,3) = C13, L(2,3,2,3) = C44, L(1,2,1,2) = C66')
    call el%free()
  end subroutine test_hexagonal_voigt_and_tensor_positions

  subroutine test_cubic_voigt_average_and_general_constructor()
    type(vs_elastic_t) :: cub, gen
    real(c_double) :: c(6, 6), cg(6, 6), md(6)
    real(c_double), parameter :: c11 = 12.0_c_double, c12 = 5.0_c_double, c44 = 2.0_c_double
    integer(c_int) :: sym
    integer :: st
    call cub%create_cubic(c11, c12, c44, st)
    call ok(st == VS_OK, 'cubic tensor is created')
    call cub%symmetry(sym)
    call ok(sym == VS_ELASTIC_CUBIC, 'symmetry is VS_ELASTIC_CUBIC')
    ! Voigt average: K_V = (C11 + 2 C12)/3, G_V = (C11 - C12 + 3 C44)/5.
    call cub%moduli(VS_AVERAGE_VOIGT, md)
    call all_close(md(1:2), [(c11 + 2.0_c_double * c12) / 3.0_c_double, (c11 - c12 + 3.0_c_double * c44) / 5.0_c_double], &
                   1e-12_c_double, 'Voigt-average K and mu of a cubic crystal')
    call cub%moduli(VS_AVERAGE_EXACT, md, st)
    call ok(st == VS_ENONPHYS, 'exact isotropic moduli of a cubic crystal give VS_ENONPHYS in stat')
    ! The same crystal through the general 6x6 constructor, built here in natural indexing.
    c = 0.0_c_double
    c(1:3, 1:3) = c12
    c(1, 1) = c11
    c(2, 2) = c11
    c(3, 3) = c11
    c(4, 4) = c44
    c(5, 5) = c44
    c(6, 6) = c44
    call gen%create_voigt(c, st)
    call ok(st == VS_OK, 'create_voigt accepts the cubic 6x6 matrix')
    call gen%voigt(cg)
    call all_close(reshape(cg, [36]), reshape(c, [36]), 1e-12_c_double, 'create_voigt then voigt returns the matrix')
    c(1, 2) = c12 + 1.0_c_double
    call gen%free()
    call gen%create_voigt(c, st)
    call ok(st == VS_ENONPHYS .and. .not. gen%is_associated(), 'an asymmetric 6x6 matrix gives VS_ENONPHYS')
    call cub%free()
  end subroutine test_cubic_voigt_average_and_general_constructor

  subroutine test_christoffel_isotropic()
    type(vs_elastic_t) :: el
    real(c_double) :: g(3, 3), n(3), expect(3, 3)
    call make_reference(el)
    ! Gamma = mu I + (lambda + mu) n n^T for the unit direction n (khat need not be normalised).
    call el%christoffel([1.0_c_double, 2.0_c_double, 2.0_c_double], g)
    n = [1.0_c_double, 2.0_c_double, 2.0_c_double] / 3.0_c_double
    expect = mu * eye(3) + (lambda + mu) * spread(n, 2, 3) * spread(n, 1, 3)
    call all_close(reshape(g, [9]), reshape(expect, [9]), 1e-12_c_double, &
                   'Christoffel matrix = mu I + (lambda + mu) n n^T')
    call el%free()
  end subroutine test_christoffel_isotropic

  subroutine test_strain_mandel_spin_conversions()
    type(vs_elastic_t) :: el
    real(c_double) :: u(3, 3), back(3, 3), t(6), g(6), energy
    real(c_double), parameter :: r2 = sqrt(2.0_c_double)
    call make_reference(el)
    u = reshape([0.3_c_double, -0.1_c_double, 0.2_c_double, &
                 -0.1_c_double, 0.5_c_double, 0.4_c_double, &
                 0.2_c_double, 0.4_c_double, -0.7_c_double], [3, 3])
    call vs_strain_to_mandel(u, t)
    call all_close(t, [u(1, 1), u(2, 2), u(3, 3), r2 * u(2, 3), r2 * u(3, 1), r2 * u(1, 2)], 1e-15_c_double, &
                   'Mandel vector t = (u11, u22, u33, sqrt2 u23, sqrt2 u31, sqrt2 u12)')
    call vs_mandel_to_strain(t, back)
    call all_close(reshape(back, [9]), reshape(u, [9]), 1e-15_c_double, 'mandel_to_strain inverts strain_to_mandel')
    call el%strain_to_spin(u, g)
    ! g . g = u Λ u = lambda (tr u)^2 + 2 mu u:u (Eq. 10).
    energy = lambda * (u(1, 1) + u(2, 2) + u(3, 3))**2 + 2.0_c_double * mu * sum(u * u)
    call close_to(dot_product(g, g), energy, 1e-12_c_double, 0.0_c_double, 'g.g = lambda (tr u)^2 + 2 mu u:u')
    ! The compression spin component is sqrt(3K) tr(u)/sqrt(3) for an isotropic tensor.
    call close_to(g(1), sqrt(3.0_c_double * bulk) * (u(1, 1) + u(2, 2) + u(3, 3)) / sqrt(3.0_c_double), &
                  1e-12_c_double, 1e-15_c_double, 'g(1) is the compression component sqrt(3K) tr(u)/sqrt(3)')
    call el%spin_to_strain(g, back)
    call all_close(reshape(back, [9]), reshape(u, [9]), 1e-12_c_double, 'spin_to_strain inverts strain_to_spin')
    call el%free()
  end subroutine test_strain_mandel_spin_conversions

  subroutine test_mandel_square_roots()
    type(vs_elastic_t) :: el
    real(c_double) :: m(6, 6), s(6, 6), si(6, 6)
    call el%create_hexagonal(10.0_c_double, 4.0_c_double, 3.0_c_double, 8.0_c_double, 2.0_c_double)
    call el%mandel(m)
    call el%mandel_sqrt(s)
    call el%mandel_invsqrt(si)
    call all_close(reshape(matmul(s, s), [36]), reshape(m, [36]), 1e-12_c_double, 'M^(1/2) M^(1/2) = M')
    call all_close(reshape(matmul(si, s), [36]), reshape(eye(6), [36]), 1e-12_c_double, 'M^(-1/2) M^(1/2) = I')
    call el%free()
  end subroutine test_mandel_square_roots

  subroutine test_clone_is_independent()
    type(vs_elastic_t) :: el, copy
    real(c_double) :: m1(6, 6), m2(6, 6)
    integer :: st
    call make_reference(el)
    call el%mandel(m1)
    call el%clone(copy, st)
    call el%free()
    call ok(st == VS_OK .and. copy%is_associated() .and. .not. el%is_associated(), &
            'clone gives a live handle; free resets the original')
    call copy%mandel(m2)
    call all_close(reshape(m2, [36]), reshape(m1, [36]), 0.0_c_double, 'the clone outlives the original')
    call copy%free()
    call copy%free()
    call ok(.not. copy%is_associated(), 'freeing a reset handle again is harmless')
  end subroutine test_clone_is_independent

  subroutine test_errors_are_reported_in_stat()
    type(vs_elastic_t) :: el, never
    real(c_double) :: m(6, 6), speeds(2), nan
    integer :: st
    character(len=VS_MESSAGE_LEN) :: msg
    call el%create_lame(1.0_c_double, -1.0_c_double, st)
    call ok(st == VS_ENONPHYS, 'negative mu gives VS_ENONPHYS in stat')
    call ok(.not. el%is_associated(), 'a failed create leaves the handle unassociated')
    msg = vs_last_error()
    call ok(len_trim(msg) > 0 .and. index(msg, 'mu') > 0, &
            'vs_last_error() is a non-empty Fortran string naming mu')
    nan = ieee_value(nan, ieee_quiet_nan)
    call vs_elastic_create_bulk_shear(el, nan, 1.0_c_double, st)
    call ok(st == VS_EINVAL, 'NaN bulk modulus gives VS_EINVAL')
    call vs_elastic_create_young_poisson(el, 1.0_c_double, 0.5_c_double, st)
    call ok(st == VS_ENONPHYS, 'Poisson ratio 1/2 gives VS_ENONPHYS')
    m = 42.0_c_double
    call never%mandel(m, st)
    call ok(st == VS_EINVAL .and. all(abs(m - 42.0_c_double) <= 0.0_c_double), &
            'a query on a never-created handle gives VS_EINVAL and leaves the output untouched')
    call make_reference(el)
    call el%sound_speeds(-1.0_c_double, speeds, st)
    call ok(st == VS_EINVAL, 'negative density gives VS_EINVAL')
    call el%mandel(m, st)
    call ok(st == VS_OK, 'stat is reset to VS_OK by a successful call')
    call el%free()
  end subroutine test_errors_are_reported_in_stat

  subroutine make_reference_coupling(c)
    type(vs_coupling_t), intent(out) :: c
    type(vs_elastic_t) :: el
    integer :: st
    call make_reference(el)
    call c%create(el, 1e-12_c_double, st)
    call el%free()   ! the coupling keeps its own copy
    call ok(st == VS_OK .and. c%is_associated(), 'elastic coupling is created (and outlives its elastic tensor)')
  end subroutine make_reference_coupling

  subroutine test_average_coupling_eigenvalues_are_jcompr_and_jshear()
    type(vs_coupling_t) :: c
    real(c_double), allocatable :: w(:), v(:, :), jbar(:, :)
    real(c_double) :: jj(2), err
    real(c_double), parameter :: jcompr = bulk / (lambda + 2.0_c_double * mu), &
                                 jshear = 0.4_c_double * (bulk + 2.0_c_double * mu) / (lambda + 2.0_c_double * mu)
    integer :: st
    call make_reference_coupling(c)
    call ok(c%ncomp() == 6, 'elastic coupling has 6 components')
    call c%average_eigen(w, v, st)
    call ok(st == VS_OK .and. size(w) == 6 .and. all(shape(v) == [6, 6]), 'average_eigen allocates w(6), v(6,6)')
    ! sigma = 0.35: J_shear = 6/13 (five times) < J_compr = 9/13.
    call all_close(w(1:5), spread(jshear, 1, 5), 1e-12_c_double, '<J> eigenvalue J_shear = (2/5)(K+2mu)/(lambda+2mu) = 6/13')
    call close_to(w(6), jcompr, 1e-12_c_double, 0.0_c_double, '<J> eigenvalue J_compr = K/(lambda+2mu) = 9/13')
    call close_to(abs(v(1, 6)), 1.0_c_double, 1e-12_c_double, 0.0_c_double, &
                  'the J_compr eigenvector v(:,6) is spin component 1 (compression)')
    call vs_coupling_jcompr_jshear(bulk, mu, jj, st)
    call all_close(jj, [jcompr, jshear], 1e-14_c_double, 'vs_coupling_jcompr_jshear(K, mu) = (9/13, 6/13)')
    call c%average(jbar, err, st)
    call ok(st == VS_OK .and. all(shape(jbar) == [6, 6]), 'average allocates jbar(6,6)')
    call close_to(jbar(1, 1), jcompr, 1e-12_c_double, 0.0_c_double, '<J>(1,1) = J_compr')
    call close_to(jbar(2, 2) + jbar(3, 3) + jbar(4, 4) + jbar(5, 5) + jbar(6, 6) + jbar(1, 1), 3.0_c_double, &
                  1e-12_c_double, 0.0_c_double, 'trace <J> = 3 (J~ is a rank-3 projector)')
    call close_to(err, 0.0_c_double, 0.0_c_double, 0.0_c_double, 'closed-form average reports abserr = 0')
    deallocate (jbar)
    call c%average_quadrature(1e-12_c_double, jbar, err, st)
    call ok(st == VS_OK, 'average_quadrature succeeds')
    call close_to(jbar(1, 1), jcompr, 0.0_c_double, 1e-10_c_double, 'quadrature <J>(1,1) agrees with J_compr')
    call c%free()
  end subroutine test_average_coupling_eigenvalues_are_jcompr_and_jshear

  subroutine test_coupling_ratio_three_routes()
    real(c_double) :: r1, r2, r3
    call vs_coupling_ratio_from_moduli(bulk, mu, r1)
    call vs_coupling_ratio_from_poisson(sigma, r2)
    call vs_coupling_ratio_from_sound(sqrt((lambda + 2.0_c_double * mu) / mu), r3)
    ! (5/2) K/(K+2mu) = (5/2)(1.35)/(4-1.75) = 1.5 = J_compr/J_shear = (9/13)/(6/13).
    call all_close([r1, r2, r3], [1.5_c_double, 1.5_c_double, 1.5_c_double], 1e-14_c_double, &
                   'J_compr/J_shear = 3/2 from moduli, Poisson ratio and sound speeds (Eq. 22)')
  end subroutine test_coupling_ratio_three_routes

  subroutine test_jtilde_is_rank3_projector_and_harmonics_sum_to_it()
    type(vs_coupling_t) :: c
    real(c_double), allocatable :: j(:, :), a(:, :, :), jbar(:, :)
    real(c_double) :: khat(3), herr
    integer :: lmax, st
    khat = [1.0_c_double, 2.0_c_double, 2.0_c_double]
    call make_reference_coupling(c)
    call c%jtilde(khat, j, st)
    call ok(st == VS_OK .and. all(shape(j) == [6, 6]), 'jtilde allocates j(6,6)')
    call all_close(reshape(matmul(j, j), [36]), reshape(j, [36]), 1e-12_c_double, 'J~(k) J~(k) = J~(k) (projector)')
    call close_to(sum([(j(st, st), st = 1, 6)]), 3.0_c_double, 1e-12_c_double, 0.0_c_double, 'trace J~(k) = 3')
    call c%lmax(lmax)
    call ok(lmax == 4, 'isotropic elastic coupling keeps harmonics up to lmax = 4')
    call c%harmonics(khat, a, st)
    call ok(st == VS_OK .and. all(shape(a) == [6, 6, 3]), 'harmonics allocates a(6,6,lmax/2+1)')
    call all_close(reshape(sum(a, dim=3), [36]), reshape(j, [36]), 1e-12_c_double, &
                   'A_0 + A_2 + A_4 = J~(k) (exact for isotropic)')
    call c%average(jbar)
    call all_close(reshape(a(:, :, 1), [36]), reshape(jbar, [36]), 1e-12_c_double, 'a(:,:,1) = A_0 = <J~>')
    call c%harmonics_error(herr)
    call close_to(herr, 0.0_c_double, 0.0_c_double, 0.0_c_double, 'isotropic harmonic decomposition is exact')
    call c%free()
  end subroutine test_jtilde_is_rank3_projector_and_harmonics_sum_to_it

  subroutine test_ktilde_along_z_closed_form()
    type(vs_coupling_t) :: c
    real(c_double) :: kt(3, 3, 3, 3), km(6, 6)
    real(c_double), parameter :: r2 = sqrt(2.0_c_double)
    ! k = z: Gamma^-1 = diag(1/mu, 1/mu, 1/(lambda+2mu)), so K~_3333 = lambda+2mu,
    ! K~_1111 = lambda^2/(lambda+2mu), K~_1133 = lambda, K~_1313 = mu, K~_1212 = 0 (Eq. 20).
    call make_reference_coupling(c)
    call c%ktilde_tensor([0.0_c_double, 0.0_c_double, 3.0_c_double], kt)
    call all_close([kt(3, 3, 3, 3), kt(1, 1, 1, 1), kt(1, 1, 3, 3), kt(1, 3, 1, 3), kt(1, 2, 1, 2)], &
                   [lambda + 2.0_c_double * mu, lambda**2 / (lambda + 2.0_c_double * mu), lambda, mu, 0.0_c_double], &
                   1e-12_c_double, 'K~(z) tensor entries: lambda+2mu, lambda^2/(lambda+2mu), lambda, mu, 0')
    call c%ktilde_mandel([0.0_c_double, 0.0_c_double, 3.0_c_double], km)
    call all_close([km(3, 3), km(1, 3), km(5, 5), km(6, 6)], [kt(3, 3, 3, 3), kt(1, 1, 3, 3), &
                   2.0_c_double * kt(3, 1, 3, 1), 2.0_c_double * kt(1, 2, 1, 2)], 1e-12_c_double, &
                   'Mandel K~ = tensor K~ with the sqrt2 factors (positions 3 = 33, 5 = 31, 6 = 12)')
    call ok(abs(km(1, 5) - r2 * kt(1, 1, 3, 1)) <= 1e-12_c_double, 'Mandel K~(1,5) = sqrt2 K~_1131')
    call c%free()
  end subroutine test_ktilde_along_z_closed_form

  subroutine test_dipolar_kernel()
    type(vs_coupling_t) :: c
    real(c_double), allocatable :: j(:, :), jbar(:, :), w(:)
    real(c_double) :: n(3), km(6, 6)
    integer :: st, lmax
    call c%create_dipolar(st)
    call ok(st == VS_OK .and. c%ncomp() == 3, 'dipolar coupling has 3 components')
    call c%jtilde([0.0_c_double, 3.0_c_double, 4.0_c_double], j)
    n = [0.0_c_double, 0.6_c_double, 0.8_c_double]
    call all_close(reshape(j, [9]), reshape(spread(n, 2, 3) * spread(n, 1, 3), [9]), 1e-14_c_double, &
                   'dipolar W(k) = n n^T, shape (3,3)')
    call c%average(jbar)
    call all_close(reshape(jbar, [9]), reshape(eye(3) / 3.0_c_double, [9]), 1e-14_c_double, '<k k^T> = I/3')
    call c%average_eigen(w=w)
    call all_close(w, [1.0_c_double, 1.0_c_double, 1.0_c_double] / 3.0_c_double, 1e-14_c_double, &
                   'dipolar <W> eigenvalues are 1/3')
    call c%lmax(lmax)
    call ok(lmax == 2, 'dipolar kernel has lmax = 2')
    call c%ktilde_mandel([0.0_c_double, 0.0_c_double, 1.0_c_double], km, st)
    call ok(st == VS_EUNSUPPORTED, 'K~ of a dipolar handle gives VS_EUNSUPPORTED')
    call c%free()
    call ok(c%ncomp() == 0, 'ncomp of a freed handle is 0')
    call c%average(jbar, stat=st)
    call ok(st == VS_EINVAL .and. .not. allocated(jbar), 'average on a freed handle: VS_EINVAL, output unallocated')
  end subroutine test_dipolar_kernel

  subroutine test_sphere_average_with_fortran_callback()
    real(c_double), target :: scale
    real(c_double) :: avg(3), err
    integer :: st
    type(vs_coupling_t) :: c
    type(vs_elastic_t) :: never
    scale = 2.0_c_double
    ! <x^2> = 1/3, <x^2 y^2> = 1/15 over the unit sphere.
    call vs_sphere_average(3, moments, c_loc(scale), 1e-13_c_double, avg, err, st)
    call ok(st == VS_OK, 'vs_sphere_average with a Fortran BIND(C) integrand succeeds')
    call all_close(avg, 2.0_c_double * [1.0_c_double / 3.0_c_double, 1.0_c_double / 15.0_c_double, 1.0_c_double], &
                   1e-13_c_double, '<(x^2, x^2 y^2, 1)> = (1/3, 1/15, 1), scaled through ctx')
    call vs_sphere_average(1, failing, c_null_ptr, 1e-10_c_double, avg(1:1), stat=st)
    call ok(st == VS_ECALLBACK, 'an integrand returning non-zero gives VS_ECALLBACK')
    call c%create(never, 1e-12_c_double, st)
    call ok(st == VS_EINVAL .and. .not. c%is_associated(), 'coupling from a never-created elastic handle: VS_EINVAL')
  end subroutine test_sphere_average_with_fortran_callback

  subroutine test_rfot_relations()
    real(c_double) :: tau, eta1, eta2, m1, m2
    real(c_double), parameter :: pi = acos(-1.0_c_double)
    integer :: st
    call vs_rfot_tau(1.0_c_double, 32.0_c_double, tau)
    call close_to(tau, exp(1.0_c_double), 1e-14_c_double, 0.0_c_double, 'tau = tau_vibr exp(32/s_c) = e at s_c = 32 (Eq. 1)')
    call vs_rfot_viscosity(1.0_c_double, 1.0_c_double, 0.1_c_double, pi, eta1)
    call vs_rfot_viscosity_lindemann(1.0_c_double, 1.0_c_double, pi, eta2)
    call all_close([eta1, eta2], [200.0_c_double, 200.0_c_double], 1e-12_c_double, &
                   'eta = 2T/(pi a d_L^2) <tau> = 200 for <tau> = pi, d_L = a/10 (Eq. 2, two routes)')
    call vs_rfot_fragility(1.0_c_double, m1)
    call vs_rfot_fragility_from_entropy(sqrt(32.0_c_double / (34.7_c_double * log(10.0_c_double))), 1.0_c_double, m2)
    call all_close([m1, m2], [34.7_c_double, 34.7_c_double], 1e-12_c_double, &
                   'm = 34.7 dcp, and 32 dcp/(ln10 s_c^2) at s_c = sqrt(32/(34.7 ln10))')
    call vs_rfot_tau(1.0_c_double, -1.0_c_double, tau, st)
    call ok(st == VS_EINVAL, 'negative configurational entropy gives VS_EINVAL')
  end subroutine test_rfot_relations

  ! ln Z1(y) for a 6-component unit spin: Z1 = 8 I2(y)/y^2 = 2 sum_k (y/2)^(2k)/(k! (k+2)!) (series
  ! summed here, independently of the library's GSL Bessel function).
  real(c_double) function ln_z1_n6(y)
    real(c_double), intent(in) :: y
    real(c_double) :: term, total
    integer :: k
    term = 0.5_c_double
    total = term
    do k = 1, 60
      term = term * (0.5_c_double * y)**2 / (real(k, c_double) * real(k + 2, c_double))
      total = total + term
    end do
    ln_z1_n6 = log(2.0_c_double * total)
  end function ln_z1_n6

  subroutine test_meanfield_compr_shear_phases_and_couplings()
    type(vs_meanfield_t) :: mf, swapped
    real(c_double), allocatable :: j(:), v(:, :)
    real(c_double) :: tc, f, u, s, c
    integer(c_int) :: phase
    integer :: icompr, st
    call mf%create_compr_shear(1.2_c_double, 0.6_c_double, st)
    call ok(st == VS_OK .and. mf%ncomp() == 6, 'compression/shear mean field has 6 components')
    call mf%couplings(j, v, icompr)
    call all_close(j, [1.2_c_double, 0.6_c_double, 0.6_c_double, 0.6_c_double, 0.6_c_double, 0.6_c_double], &
                   0.0_c_double, 'couplings j = (J_compr, J_shear x5)')
    call ok(icompr == 1, 'compression eigenvector index is 1-based: icompr = 1')
    call all_close(reshape(v, [36]), reshape(eye(6), [36]), 0.0_c_double, 'eigenvectors default to the identity')
    call mf%curie_temperature(tc)
    call close_to(tc, 0.2_c_double, 1e-15_c_double, 0.0_c_double, 'T_Curie = J_max/n = 1.2/6 (Eq. 25)')
    call mf%phase(0.1_c_double, phase)
    call ok(phase == VS_MF_COMPRESSION, 'J_compr > J_shear orders in compression below T_Curie')
    call mf%phase(0.3_c_double, phase)
    call ok(phase == VS_MF_PARAMAGNET, 'paramagnet above T_Curie')
    call mf%thermo(0.3_c_double, f, u, s, c)
    call all_close([f, u, s, c], [0.0_c_double, 0.0_c_double, 0.0_c_double, 0.0_c_double], 1e-14_c_double, &
                   'paramagnet: F = U = S = C = 0 relative to free spins')
    call mf%thermo(0.2_c_double * (1.0_c_double - 1e-7_c_double), c=c)
    call close_to(c, 4.0_c_double, 1e-4_c_double, 0.0_c_double, 'heat capacity just below T_Curie is (n+2)/2 = 4')
    call swapped%create_compr_shear(0.6_c_double, 1.2_c_double)
    call swapped%phase(0.1_c_double, phase)
    call ok(phase == VS_MF_SHEAR, 'J_shear > J_compr orders in shear')
    call swapped%free()
    call mf%free()
  end subroutine test_meanfield_compr_shear_phases_and_couplings

  subroutine test_meanfield_solution_is_stationary()
    type(vs_meanfield_t) :: mf
    real(c_double), allocatable :: h(:), m(:), j(:)
    real(c_double) :: residual, hc, hs, mc, ms
    real(c_double), parameter :: temp = 0.1_c_double
    integer :: icompr, st
    call mf%create_compr_shear(1.2_c_double, 0.6_c_double)
    call mf%couplings(j=j, icompr=icompr)
    call mf%solve(temp, h, m, residual, st)
    call ok(st == VS_OK .and. size(h) == 6 .and. size(m) == 6, 'solve allocates h(6), m(6)')
    call ok(residual <= 1e-10_c_double, 'stationarity residual is small')
    ! Stationarity of Eq. 24: h_a = (J_a/T) m_a component by component, in the same 1-based order as j.
    call all_close(h, j / temp * m, 1e-9_c_double, 'h(a) = (j(a)/T) m(a) for every component')
    call ok(abs(h(icompr)) > 1.0_c_double .and. maxval(abs(h(2:6))) <= 1e-12_c_double, &
            'only the compression component h(icompr) is non-zero below T_Curie')
    call mf%sector_fields(temp, hc, hs, mc, ms)
    call all_close([hc, hs, mc, ms], [abs(h(icompr)), 0.0_c_double, abs(m(icompr)), 0.0_c_double], 1e-12_c_double, &
                   'sector fields (h_c, h_s, m_c, m_s) = (|h(icompr)|, 0, |m(icompr)|, 0)')
    call mf%free()
  end subroutine test_meanfield_solution_is_stationary

  subroutine test_meanfield_custom_eigenvectors_round_trip()
    type(vs_meanfield_t) :: mf
    real(c_double) :: rot(3, 3)
    real(c_double), allocatable :: j(:), v(:, :)
    real(c_double), parameter :: cs = cos(0.5_c_double), sn = sin(0.5_c_double)
    integer :: st
    ! A rotation about axis 3 is not symmetric: the round trip proves the transposes cancel.
    rot = reshape([cs, sn, 0.0_c_double, -sn, cs, 0.0_c_double, 0.0_c_double, 0.0_c_double, 1.0_c_double], [3, 3])
    call mf%create([1.0_c_double, 2.0_c_double, 3.0_c_double], rot, st)
    call ok(st == VS_OK .and. mf%ncomp() == 3, 'mean field from n = 3 couplings and eigenvectors')
    call mf%couplings(j, v)
    call all_close(reshape(v, [9]), reshape(rot, [9]), 1e-15_c_double, 'eigenvector columns come back as given')
    call all_close(j, [1.0_c_double, 2.0_c_double, 3.0_c_double], 0.0_c_double, 'couplings come back as given')
    call mf%free()
    rot(1, 1) = 2.0_c_double
    call mf%create([1.0_c_double, 2.0_c_double, 3.0_c_double], rot, st)
    call ok(st == VS_EINVAL .and. .not. mf%is_associated(), 'non-orthonormal eigenvectors give VS_EINVAL')
  end subroutine test_meanfield_custom_eigenvectors_round_trip

  subroutine test_meanfield_from_coupling()
    type(vs_coupling_t) :: c
    type(vs_meanfield_t) :: mf
    real(c_double), allocatable :: j(:)
    real(c_double) :: tc
    integer :: icompr, st
    call make_reference_coupling(c)
    ! E0 = 13: J = 13 x (9/13 once, 6/13 five times) = (9, 6, 6, 6, 6, 6) in some order.
    call mf%create_from_coupling(c, 13.0_c_double, st)
    call ok(st == VS_OK .and. mf%ncomp() == 6, 'mean field from the elastic coupling')
    call mf%couplings(j=j, icompr=icompr)
    call close_to(j(icompr), 9.0_c_double, 1e-12_c_double, 0.0_c_double, 'j(icompr) = E0 J_compr = 9')
    call close_to(sum(j), 39.0_c_double, 1e-12_c_double, 0.0_c_double, 'sum of couplings = E0 trace <J> = 39')
    call mf%curie_temperature(tc)
    call close_to(tc, 1.5_c_double, 1e-12_c_double, 0.0_c_double, 'T_Curie = 9/6')
    call mf%free()
    call c%free()
  end subroutine test_meanfield_from_coupling

  subroutine test_meanfield_options()
    type(vs_meanfield_t) :: mf
    real(c_double) :: lo, hi, value
    integer :: st
    call vs_meanfield_option_bounds(VS_MF_ROOT_RTOL, lo, hi)
    call all_close([lo, hi], [1e-15_c_double, 1e-4_c_double], 0.0_c_double, 'VS_MF_ROOT_RTOL bounds [1e-15, 1e-4]')
    call mf%create_compr_shear(1.0_c_double, 0.5_c_double)
    call mf%get_option(VS_MF_MAX_ITER, value)
    call close_to(value, 500.0_c_double, 0.0_c_double, 0.0_c_double, 'VS_MF_MAX_ITER default 500')
    call mf%set_option(VS_MF_ROOT_RTOL, 1e-10_c_double)
    call mf%get_option(VS_MF_ROOT_RTOL, value)
    call close_to(value, 1e-10_c_double, 0.0_c_double, 0.0_c_double, 'set_option then get_option returns the value')
    call mf%set_option(VS_MF_ROOT_RTOL, 1.0_c_double, st)
    call ok(st == VS_EINVAL, 'an option out of its bounds gives VS_EINVAL')
    call vs_meanfield_option_bounds(99_c_int, lo, hi, st)
    call ok(st == VS_EINVAL, 'an unknown option key gives VS_EINVAL')
    call mf%free()
  end subroutine test_meanfield_options

  subroutine test_meanfield_landscape_closed_form()
    type(vs_meanfield_t) :: mf
    real(c_double), allocatable :: g(:, :)
    real(c_double) :: hc(3), hs(2), expect, worst
    real(c_double), parameter :: temp = 0.1_c_double, jc = 1.2_c_double, js = 0.6_c_double
    integer :: i, k, st
    hc = [-1.5_c_double, 0.0_c_double, 2.0_c_double]
    hs = [0.5_c_double, 3.0_c_double]
    call mf%create_compr_shear(jc, js)
    call mf%landscape(temp, hc, hs, g, st)
    call ok(st == VS_OK .and. all(shape(g) == [3, 2]), 'landscape allocates g(size(hc), size(hs))')
    ! Eq. 24: G = h_c^2/(2 J_c/T) + h_s^2/(2 J_s/T) - ln Z1(|h|).
    worst = 0.0_c_double
    do k = 1, 2
      do i = 1, 3
        expect = hc(i)**2 / (2.0_c_double * jc / temp) + hs(k)**2 / (2.0_c_double * js / temp) &
                 - ln_z1_n6(sqrt(hc(i)**2 + hs(k)**2))
        worst = max(worst, abs(g(i, k) - expect) / max(1.0_c_double, abs(expect)))
      end do
    end do
    call close_to(worst, 0.0_c_double, 0.0_c_double, 1e-12_c_double, &
                  'g(i,j) = G(hc(i), hs(j)) of Eq. 24 with ln Z1 = ln(8 I2(y)/y^2)')
    call mf%free()
  end subroutine test_meanfield_landscape_closed_form

  subroutine test_meanfield_phase_diagram_layout()
    integer(c_int), allocatable :: phase(:, :)
    real(c_double), allocatable :: mc(:, :), ms(:, :)
    integer :: st
    ! J_shear = 1: T_Curie = max(ratio, 1)/6, so T = 0.05 is ordered and T = 0.5 is not.
    call vs_meanfield_phase_diagram(1.0_c_double, [0.05_c_double, 0.5_c_double], &
                                    [0.5_c_double, 1.0_c_double, 2.0_c_double], phase, mc, ms, st)
    call ok(st == VS_OK .and. all(shape(phase) == [2, 3]) .and. all(shape(mc) == [2, 3]), &
            'phase diagram outputs have shape (size(T), size(ratio))')
    call ok(phase(1, 1) == VS_MF_SHEAR .and. phase(1, 2) == VS_MF_BOTH .and. phase(1, 3) == VS_MF_COMPRESSION, &
            'low T: shear (ratio 1/2), degenerate (ratio 1), compression (ratio 2)')
    call ok(all(phase(2, :) == VS_MF_PARAMAGNET), 'T = 0.5 is paramagnetic for every ratio')
    call ok(ms(1, 1) > 0.0_c_double .and. mc(1, 1) <= 1e-12_c_double .and. mc(1, 3) > 0.0_c_double .and. &
            ms(1, 3) <= 1e-12_c_double, 'order parameters sit in the ordered sector')
  end subroutine test_meanfield_phase_diagram_layout

  subroutine test_oscillator_closed_forms()
    real(c_double) :: gcr, f, phi, fmin
    call vs_oscillator_gcr(6, 1.0_c_double, 1.0_c_double, gcr)
    call close_to(gcr, sqrt(6.0_c_double), 1e-15_c_double, 0.0_c_double, 'g_cr = sqrt(n k_BT/a^3) = sqrt(6) (Eq. 17)')
    call vs_oscillator_free_energy(6, 1.0_c_double, 1.0_c_double, 0.0_c_double, 2.0_c_double, f)
    call close_to(f, 2.0_c_double, 1e-15_c_double, 0.0_c_double, 'f(phi = 0, g) = g^2/2 (Eq. 14)')
    call vs_oscillator_free_energy(6, 1.0_c_double, 1.0_c_double, 1.0_c_double, 2.0_c_double, f)
    call close_to(f, 0.5_c_double * (1.0_c_double + 4.0_c_double) - ln_z1_n6(2.0_c_double), 1e-13_c_double, &
                  0.0_c_double, 'f(phi, g) = (phi^2 + g^2)/2 - ln(8 I2(y)/y^2), y = phi g')
    call vs_oscillator_minimize(6, 1.0_c_double, 1.0_c_double, 2.0_c_double, phi, fmin)
    call all_close([phi, fmin], [0.0_c_double, 2.0_c_double], 1e-12_c_double, 'below g_cr the minimum is phi = 0')
    call vs_oscillator_minimize(6, 1.0_c_double, 1.0_c_double, 3.0_c_double, phi, fmin)
    call ok(phi > 0.0_c_double .and. fmin < 4.5_c_double, 'above g_cr the minimum moves to phi > 0')
  end subroutine test_oscillator_closed_forms

  subroutine test_gprofile_paramagnetic_branch_and_penalty_callback()
    type(vs_meanfield_t) :: mf
    type(vs_gprofile_t) :: p
    real(c_double), target :: k
    real(c_double) :: f0, df0, d2f0, f, df, d2f, cmax
    integer :: st
    call mf%create_compr_shear(1.0_c_double, 0.5_c_double)
    call p%create(mf, 0.1_c_double, st)
    call mf%free()
    call ok(st == VS_OK .and. p%is_associated(), 'g profile is created (and outlives its mean-field handle)')
    ! x = g^2 = 1 < n: paramagnetic branch, F0 = g^2/2 (Eq. 26).
    call p%f0(1.0_c_double, f0, df0, d2f0)
    call all_close([f0, df0, d2f0], [0.5_c_double, 1.0_c_double, 1.0_c_double], 1e-12_c_double, &
                   'F0(g) = g^2/2 on the paramagnetic branch, dF0 = g, d2F0 = 1')
    call p%eval(1.0_c_double, f, df, d2f)
    call all_close([f, df, d2f], [0.6_c_double, 1.2_c_double, 1.2_c_double], 1e-12_c_double, &
                   'F = F0 + c g^2 with c = 0.1')
    call p%max_penalty(cmax)
    call close_to(cmax, 5.0_c_double / 6.0_c_double, 1e-10_c_double, 0.0_c_double, 'c_max = (n+4)/(2n) = 5/6')
    k = 0.25_c_double
    call p%set_penalty(quarter_g2, c_loc(k), st)
    call ok(st == VS_OK, 'a Fortran BIND(C) penalty callback is accepted')
    call p%eval(1.0_c_double, f, df, d2f)
    call all_close([f, df, d2f], [0.85_c_double, 1.7_c_double, 1.7_c_double], 1e-12_c_double, &
                   'F = F0 + c g^2 + 0.25 g^2 through the callback and its user pointer')
    call p%max_penalty(cmax)
    call close_to(cmax, 5.0_c_double / 6.0_c_double - 0.25_c_double, 1e-10_c_double, 0.0_c_double, &
                  'c_max shifts by the coefficient of the callback')
    call p%set_penalty(quarter_g2, c_null_ptr)
    call p%eval(1.0_c_double, f, stat=st)
    call ok(st == VS_ECALLBACK, 'a callback reporting failure gives VS_ECALLBACK')
    call p%set_penalty()
    call p%eval(1.0_c_double, f)
    call close_to(f, 0.6_c_double, 1e-12_c_double, 0.0_c_double, 'set_penalty without fn removes the callback')
    call p%free()
  end subroutine test_gprofile_paramagnetic_branch_and_penalty_callback

  subroutine test_gprofile_common_tangent()
    type(vs_meanfield_t) :: mf
    type(vs_gprofile_t) :: p
    real(c_double) :: lo, hi, g1, g2, slope, f1, f2, d1, d2, gtop, barrier, ftop
    logical :: found
    integer :: st
    call mf%create_compr_shear(1.0_c_double, 0.5_c_double)
    call p%create(mf, 0.05_c_double)
    call mf%free()
    call p%nonconvex(found, lo, hi, st)
    call ok(st == VS_OK .and. found, 'F with c = 0.05 has a non-convex interval (Fig. 5)')
    call close_to(lo, sqrt(6.0_c_double), 1e-12_c_double, 0.0_c_double, 'it starts at g = sqrt(n) (x = n, Eq. 27)')
    call p%tangent(g1, g2, slope, st)
    call ok(st == VS_OK .and. g1 < lo .and. hi < g2, 'tangent points bracket the non-convex interval')
    call p%eval(g1, f1, d1)
    call p%eval(g2, f2, d2)
    call all_close([d1, d2, f2 - f1], [slope, slope, slope * (g2 - g1)], 1e-9_c_double, &
                   'common tangent: dF(g1) = dF(g2) = slope = (F(g2) - F(g1))/(g2 - g1)')
    call p%barrier(gtop, barrier)
    call p%eval(gtop, ftop)
    call close_to(barrier, ftop - (f1 + slope * (gtop - g1)), 1e-9_c_double, 1e-12_c_double, &
                  'barrier = F(g_top) minus the tangent line there')
    call ok(barrier > 0.0_c_double .and. g1 < gtop .and. gtop < g2, 'positive barrier between the tangent points')
    call p%free()
  end subroutine test_gprofile_common_tangent

  ! Deterministic, non-symmetric test configuration s(a, m) of shape (n, nsites).
  subroutine make_config(s, n, nsites)
    real(c_double), allocatable, intent(out) :: s(:, :)
    integer, intent(in) :: n, nsites
    integer :: a, m
    allocate (s(n, nsites))
    do m = 1, nsites
      do a = 1, n
        s(a, m) = sin(1.3_c_double * a + 0.7_c_double * m * m)
      end do
    end do
  end subroutine make_config

  subroutine make_dipolar_sc(lat, a, l, e0)
    type(vs_lattice_t), intent(out) :: lat
    real(c_double), intent(in) :: a, e0
    integer, intent(in) :: l
    type(vs_coupling_t) :: dip
    type(vs_lattice_options_t) :: opt
    integer :: st
    call dip%create_dipolar()
    call opt%create()
    call opt%set(VS_LATTICE_OPT_ENERGY_SCALE, e0)
    call lat%create_cubic(VS_LATTICE_SC, a, [l, l, l], dip, opt=opt, stat=st)
    call opt%free()
    call dip%free()
    call ok(st == VS_OK .and. lat%is_associated(), 'dipolar sc lattice is created (coupling and options freed after)')
  end subroutine make_dipolar_sc

  subroutine test_lattice_sizes_positions_and_options()
    type(vs_lattice_t) :: lat, custom
    type(vs_coupling_t) :: dip
    real(c_double), allocatable :: r(:, :), rc(:, :)
    real(c_double) :: v0, e0, lo, hi, cell(3, 3)
    logical :: on_grid
    integer :: st
    call make_dipolar_sc(lat, 2.0_c_double, 3, 1.0_c_double)
    call ok(lat%nsites() == 27 .and. lat%ncomp() == 3 .and. lat%nbasis() == 1, 'sc 3x3x3: 27 sites, 3 components, 1 basis')
    call lat%site_volume(v0)
    call lat%energy_scale(e0)
    call all_close([v0, e0], [8.0_c_double, 1.0_c_double], 1e-14_c_double, 'site volume a^3 = 8, energy scale 1')
    call lat%positions(r, st)
    call ok(st == VS_OK .and. all(shape(r) == [3, 27]), 'positions allocates r(3, nsites)')
    on_grid = all(abs(r / 2.0_c_double - anint(r / 2.0_c_double)) < 1e-12_c_double)
    call ok(on_grid .and. abs(sum(r(1, :)) - 9.0_c_double * (0.0_c_double + 2.0_c_double + 4.0_c_double)) < 1e-12_c_double, &
            'site positions r(:, m) lie on the grid of spacing a = 2')
    ! The same lattice from its cell vectors cell(:, i) = a_i and one basis site at the origin.
    cell = 2.0_c_double * eye(3)
    call dip%create_dipolar()
    call custom%create(cell, reshape([0.0_c_double, 0.0_c_double, 0.0_c_double], [3, 1]), [3, 3, 3], dip, stat=st)
    call dip%free()
    call ok(st == VS_OK .and. custom%nsites() == 27, 'vs_lattice_create from cell vectors and a basis')
    call custom%positions(rc)
    call all_close(reshape(rc, [81]), reshape(r, [81]), 1e-12_c_double, 'custom cell gives the same site positions')
    call custom%free()
    call vs_lattice_option_bounds(VS_LATTICE_OPT_ACCURACY, lo, hi)
    call all_close([lo, hi], [1e-15_c_double, 1e-2_c_double], 0.0_c_double, 'accuracy option bounds [1e-15, 1e-2]')
    call vs_lattice_option_bounds(VS_LATTICE_OPT_FFTW_PLANNER, lo, hi)
    call all_close([lo, hi], [real(VS_LATTICE_PLANNER_ESTIMATE, c_double), real(VS_LATTICE_PLANNER_AUTO, c_double)], &
                   0.0_c_double, 'planner option bounds [VS_LATTICE_PLANNER_ESTIMATE, VS_LATTICE_PLANNER_AUTO]')
    call lat%free()
    call custom%create_cubic(VS_LATTICE_FCC, 1.0_c_double, [2, 2, 2], ncomp=2, stat=st)
    call custom%site_volume(v0)
    call ok(st == VS_OK .and. custom%nbasis() == 4 .and. custom%nsites() == 32 .and. abs(v0 - 0.25_c_double) < 1e-15_c_double, &
            'fcc without a kernel: 4 basis sites, 32 sites, v0 = a^3/4')
    call custom%free()
  end subroutine test_lattice_sizes_positions_and_options

  subroutine test_lattice_fft_fields_equal_pair_sums()
    type(vs_lattice_t) :: lat
    real(c_double), allocatable :: s(:, :), h(:, :), hd(:, :), t(:, :), t2(:, :)
    real(c_double) :: hm(3)
    integer :: n, st
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call make_config(s, 3, 27)
    allocate (h(3, 27), hd(3, 27))
    call lat%fields(s, h, st)
    call ok(st == VS_OK, 'FFT fields succeed')
    call lat%fields_direct(s, hd)
    call close_to(maxval(abs(h - hd)), 0.0_c_double, 0.0_c_double, 1e-10_c_double, 'FFT fields = direct pair sum')
    ! h(:, 5) = sum_n T(r_5 - r_n) s(:, n), assembled here from the 1-based pair blocks.
    hm = 0.0_c_double
    do n = 1, 27
      call lat%coupling(5, n, t)
      hm = hm + matmul(t, s(:, n))
    end do
    call all_close(hm, h(:, 5), 1e-10_c_double, 'h(:,5) = sum_n T(5,n) s(:,n) with 1-based site indices')
    call lat%coupling(2, 9, t)
    call lat%coupling(9, 2, t2)
    call ok(all(abs(t - t2) <= 1e-14_c_double) .and. all(abs(t - transpose(t)) <= 1e-14_c_double), &
            'pair blocks are symmetric: T(2,9) = T(9,2) = T(2,9)^T')
    call lat%free()
  end subroutine test_lattice_fft_fields_equal_pair_sums

  subroutine test_lattice_energies_three_routes()
    type(vs_lattice_t) :: lat, lat2
    real(c_double), allocatable :: s(:, :), h(:, :)
    real(c_double) :: e, ed, ef, e2
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call make_config(s, 3, 27)
    allocate (h(3, 27))
    call lat%energy(s, e)
    call lat%energy_direct(s, ed)
    call lat%fields(s, h)
    call lat%energy_from_fields(s, h, ef)
    call all_close([ed, ef, -0.5_c_double * sum(s * h)], [e, e, e], 1e-10_c_double, &
                   'energy by FFT = direct = from fields = -(E0/2) sum s.h')
    call make_dipolar_sc(lat2, 1.0_c_double, 3, 2.0_c_double)
    call lat2%energy(s, e2)
    call close_to(e2, 2.0_c_double * e, 1e-12_c_double, 0.0_c_double, 'energy scales with E0 set through the options')
    call lat2%free()
    call lat%free()
  end subroutine test_lattice_energies_three_routes

  !> A workspace (since 1.1) gives the handle path's fields and energy bit for bit; a workspace of
  !> another lattice and a null workspace are refused.
  subroutine test_lattice_workspace_equals_handle_path()
    type(vs_lattice_t) :: lat, other
    type(vs_lattice_workspace_t) :: ws, wso, none
    real(c_double), allocatable :: s(:, :), h(:, :), hw(:, :)
    real(c_double) :: e, ew
    integer :: st
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call make_dipolar_sc(other, 1.0_c_double, 3, 1.0_c_double)
    call make_config(s, 3, 27)
    allocate (h(3, 27), hw(3, 27))
    call ws%create(lat, st)
    call ok(st == VS_OK .and. ws%is_associated(), 'vs_lattice_workspace_create')
    call lat%fields(s, h)
    call vs_lattice_fields_ws(lat, ws, s, hw, st)
    call ok(st == VS_OK .and. maxval(abs(h - hw)) <= 0.0_c_double, 'fields_ws = fields bit for bit')
    call lat%energy(s, e)
    call vs_lattice_energy_ws(lat, ws, s, ew, st)
    call ok(st == VS_OK .and. abs(e - ew) <= 0.0_c_double, 'energy_ws = energy bit for bit')
    call lat%energy_from_fields(s, h, e)
    hw = 0.0_c_double
    call vs_lattice_fields_energy(lat, s, hw, ew, st)
    call ok(st == VS_OK .and. maxval(abs(h - hw)) <= 0.0_c_double .and. abs(e - ew) <= 0.0_c_double, &
            'fields_energy = fields + energy_from_fields bit for bit')
    hw = 0.0_c_double
    call vs_lattice_fields_energy_ws(lat, ws, s, hw, ew, st)
    call ok(st == VS_OK .and. maxval(abs(h - hw)) <= 0.0_c_double .and. abs(e - ew) <= 0.0_c_double, &
            'fields_energy_ws = fields + energy_from_fields bit for bit')
    call vs_lattice_fields_energy(lat, s, hw(:, 1:26), ew, st)
    call ok(st == VS_EINVAL, 'fields_energy: a field array of the wrong shape is refused (VS_EINVAL)')
    call wso%create(other)
    call vs_lattice_energy_ws(lat, wso, s, ew, st)
    call ok(st == VS_EINVAL, 'a workspace of another lattice is refused (VS_EINVAL)')
    call vs_lattice_fields_ws(lat, none, s, hw, st)
    call ok(st == VS_EINVAL, 'a null workspace is refused (VS_EINVAL)')
    call vs_lattice_fields_energy_ws(lat, wso, s, hw, ew, st)
    call ok(st == VS_EINVAL, 'fields_energy_ws: a workspace of another lattice is refused (VS_EINVAL)')
    call wso%free()
    call ws%free()
    call ws%free()
    call ok(.not. ws%is_associated(), 'free resets the workspace handle (twice is harmless)')
    call other%free()
    call lat%free()
  end subroutine test_lattice_workspace_equals_handle_path

  !> Pair table (since 1.1): nearest-neighbour sc O(3) with J I, each bond once (1-based basis
  !> indices): ferro energy -(E0/2) N z J, Neel +(E0/2) N z J, Luttinger-Tisza lambda_max = z J.
  subroutine test_lattice_pair_table_nearest_neighbour_sc()
    type(vs_lattice_t) :: lat, bad
    real(c_double) :: cell(3, 3), frac(3, 1), blocks(3, 3, 3), lmax, k(3), e
    real(c_double), allocatable :: s(:, :)
    integer :: disp(3, 3), pair(2, 3), st, a, m, i1, i2, i3
    real(c_double), parameter :: j = 0.7_c_double
    cell = 0.0_c_double
    do a = 1, 3
      cell(a, a) = 1.0_c_double
    end do
    frac = 0.0_c_double
    disp = reshape([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3])
    pair = 1
    blocks = 0.0_c_double
    do a = 1, 3
      blocks(a, a, :) = j
    end do
    call vs_lattice_create_pairs(lat, cell, frac, [4, 4, 4], 3, disp, pair, blocks, stat=st)
    call ok(st == VS_OK .and. lat%nsites() == 64, 'vs_lattice_create_pairs: nearest-neighbour sc table')
    allocate (s(3, 64))
    s = 0.0_c_double
    s(3, :) = 1.0_c_double
    call lat%energy(s, e)
    call close_to(e, -0.5_c_double * 64 * 6 * j, 1e-12_c_double, 0.0_c_double, 'pair table: ferro E = -(E0/2) N z J')
    m = 0
    do i1 = 0, 3
      do i2 = 0, 3
        do i3 = 0, 3
          m = m + 1
          s(3, m) = merge(-1.0_c_double, 1.0_c_double, mod(i1 + i2 + i3, 2) == 1)
        end do
      end do
    end do
    call lat%energy_direct(s, e)
    call close_to(e, 0.5_c_double * 64 * 6 * j, 1e-12_c_double, 0.0_c_double, 'pair table: Neel E = +(E0/2) N z J')
    call lat%luttinger_tisza(lmax, k)
    call close_to(lmax, 6 * j, 1e-12_c_double, 0.0_c_double, 'pair table: LT lambda_max = z J')
    call ok(all(abs(k) < 1e-12_c_double), 'pair table: LT maximum at k = 0')
    pair(2, 1) = 2
    call vs_lattice_create_pairs(bad, cell, frac, [4, 4, 4], 3, disp, pair, blocks, stat=st)
    call ok(st == VS_EINVAL .and. .not. bad%is_associated(), 'pair table: basis index 2 of a 1-site basis is refused')
    call vs_lattice_create_pairs(bad, cell, frac, [4, 4, 4], 2, disp, pair, blocks, stat=st)
    call ok(st == VS_EINVAL, 'pair table: blocks not of shape (ncomp, ncomp, n) are refused')
    call lat%free()
  end subroutine test_lattice_pair_table_nearest_neighbour_sc

  subroutine test_lattice_monte_carlo_move()
    type(vs_lattice_t) :: lat
    real(c_double), allocatable :: s(:, :), h(:, :), hfresh(:, :)
    real(c_double) :: snew(3), de, de2, e0, e1, mtot(3), mcheck(3)
    integer :: st
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call make_config(s, 3, 27)
    allocate (h(3, 27), hfresh(3, 27))
    call lat%fields(s, h)
    call lat%total(s, mtot)
    call all_close(mtot, sum(s, dim=2), 1e-13_c_double, 'total = sum over sites of s(:, m)')
    call lat%energy(s, e0)
    snew = [0.6_c_double, -0.8_c_double, 0.0_c_double]
    call lat%delta_energy(s, h, mtot, 7, snew, de, st)
    call lat%delta_energy(s, h, site=7, snew=snew, de=de2)
    call lat%update(s, h, mtot, 7, snew, st)
    call ok(st == VS_OK .and. all(abs(s(:, 7) - snew) <= 0.0_c_double), 'update writes snew into s(:, 7)')
    call lat%energy(s, e1)
    call all_close([de, de2], [e1 - e0, e1 - e0], 1e-10_c_double, 'delta_energy = E(after) - E(before), with or without mtot')
    call lat%fields(s, hfresh)
    call close_to(maxval(abs(h - hfresh)), 0.0_c_double, 0.0_c_double, 1e-10_c_double, 'updated fields = recomputed fields')
    call lat%total(s, mcheck)
    call all_close(mtot, mcheck, 1e-13_c_double, 'update keeps the total spin mtot')
    call lat%delta_energy(s, h, mtot, 28, snew, de, st)
    call ok(st == VS_EINVAL, 'site index nsites + 1 gives VS_EINVAL')
    call lat%delta_energy(s, h, mtot, 0, snew, de, st)
    call ok(st == VS_EINVAL, 'site index 0 gives VS_EINVAL (indices are 1-based)')
    call lat%free()
  end subroutine test_lattice_monte_carlo_move

  subroutine test_lattice_onsite_and_uniform_terms()
    type(vs_lattice_t) :: lat
    real(c_double), allocatable :: s(:, :)
    real(c_double) :: e0, ed, eu, ereset
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call make_config(s, 3, 27)
    call lat%energy(s, e0)
    ! D = 2 I: -(E0/2) sum_m s_m^T D s_m = -sum |s|^2.
    call lat%set_onsite(2.0_c_double * eye(3))
    call lat%energy(s, ed)
    call close_to(ed - e0, -sum(s * s), 1e-10_c_double, 0.0_c_double, 'on-site D = 2I adds -sum_m |s_m|^2')
    call lat%set_onsite()
    ! U = I: -(E0/(2N)) |M|^2.
    call lat%set_uniform(eye(3))
    call lat%energy(s, eu)
    call close_to(eu - e0, -sum(sum(s, dim=2)**2) / 54.0_c_double, 1e-10_c_double, 0.0_c_double, &
                  'uniform U = I adds -|M|^2/(2N)')
    call lat%set_uniform()
    call lat%energy(s, ereset)
    call close_to(ereset, e0, 1e-12_c_double, 0.0_c_double, 'set_onsite() and set_uniform() without a matrix reset them to 0')
    call lat%free()
  end subroutine test_lattice_onsite_and_uniform_terms

  subroutine test_lattice_fourier_layout_bcc()
    type(vs_lattice_t) :: lat
    type(vs_coupling_t) :: dip
    real(c_double), allocatable :: s(:, :), r(:, :), hre(:, :), him(:, :)
    real(c_double) :: v1(3), v2(3), w(6), e, lmax, tc, e0
    integer :: m, st
    type(vs_lattice_options_t) :: opt
    call dip%create_dipolar()
    call opt%create()
    call opt%set(VS_LATTICE_OPT_ENERGY_SCALE, 2.0_c_double)
    call lat%create_cubic(VS_LATTICE_BCC, 1.0_c_double, [2, 2, 2], dip, opt=opt, stat=st)
    call opt%free()
    call dip%free()
    call ok(st == VS_OK .and. lat%nsites() == 16, 'bcc 2x2x2 dipolar lattice: 16 sites')
    ! A q = 0 mode with a different spin on each basis site: v1 on the cube corners, v2 on the centres.
    v1 = [0.3_c_double, -0.5_c_double, 0.8_c_double]
    v2 = [-0.9_c_double, 0.2_c_double, 0.4_c_double]
    call lat%positions(r)
    allocate (s(3, 16))
    do m = 1, 16
      if (abs(r(1, m) - anint(r(1, m))) < 1e-9_c_double) then
        s(:, m) = v1
      else
        s(:, m) = v2
      end if
    end do
    call lat%energy(s, e)
    call lat%fourier([0, 0, 0], hre, him, st)
    call ok(st == VS_OK .and. all(shape(hre) == [6, 6]), 'fourier allocates H of shape (nbasis*ncomp, nbasis*ncomp)')
    ! Energy per cell of a mode is -(E0/2) w^T H w with w = (v1; v2) (row (b-1)*ncomp + a); 8 cells.
    w = [v1, v2]
    call close_to(e, -0.5_c_double * 2.0_c_double * 8.0_c_double * dot_product(w, matmul(hre, w)), 1e-9_c_double, &
                  1e-12_c_double, 'energy of a q = 0 two-sublattice mode = -(E0/2) N_cells w^T H(0) w')
    call close_to(maxval(abs(him)), 0.0_c_double, 0.0_c_double, 1e-12_c_double, 'H(0) is real')
    call lat%fourier([1, 0, 1], hre, him)
    call ok(all(abs(hre - transpose(hre)) <= 1e-12_c_double) .and. all(abs(him + transpose(him)) <= 1e-12_c_double), &
            'H(q) is Hermitian: Re symmetric, Im antisymmetric')
    call lat%luttinger_tisza(lmax, t_curie=tc)
    call lat%energy_scale(e0)
    call close_to(tc, e0 * lmax / 3.0_c_double, 1e-14_c_double, 0.0_c_double, 'Luttinger-Tisza T_c = E0 lambda_max/ncomp')
    call lat%fourier([0, 0, 0], hre)
    call ok(lmax >= dot_product(w, matmul(hre, w)) / dot_product(w, w) - 1e-12_c_double, &
            'lambda_max bounds the Rayleigh quotient of H(0)')
    call lat%free()
  end subroutine test_lattice_fourier_layout_bcc

  ! Luttinger & Tisza (1946): the sc dipolar ground state is the columnar antiferro array at
  ! k = (0, pi, pi)/a (first in scan order), E_dd = -2.676788684 mu^2/a^3 per dipole = 2 pi lambda_min.
  !> Peak memory: closed form for sc 4x4x4, ncomp = 3 (m = 3, p = 6, G = 64, H = 4*4*3 = 48):
  !> 8*64*6 + 8*48*6 + max(16*48*6, 8*64*3 + 16*48*3) = 3072 + 2304 + 4608; bad input; the
  !> memory ceiling; the planner lock is recursive and lets lattices be created meanwhile.
  subroutine test_lattice_memory_estimate_and_planner_lock()
    type(vs_lattice_t) :: lat
    type(vs_coupling_t) :: dip
    type(vs_lattice_options_t) :: opt
    real(c_double) :: cell(3, 3), frac(3, 1), bad(2, 1)
    integer(c_size_t) :: bytes
    integer :: st
    cell = eye(3)
    frac = 0.0_c_double
    call dip%create_dipolar()
    call vs_lattice_memory_estimate(cell, frac, [4, 4, 4], bytes, dip, stat=st)
    ! table 3072 + k-table 2304 + FFT workspace: 3 planes of 64 reals and of 48 complex, each padded
    ! to 1344 bytes (docs/lattice.md, "Memory")
    call ok(st == VS_OK .and. bytes == 3072_c_size_t + 2304_c_size_t + 8064_c_size_t, &
            'memory_estimate: sc 4^3 dipolar peak = 13440 bytes (closed form)')
    bad = 0.0_c_double
    call vs_lattice_memory_estimate(cell, bad, [4, 4, 4], bytes, dip, stat=st)
    call ok(st == VS_EINVAL .and. bytes == 0_c_size_t, 'memory_estimate: frac of shape (2, n) is VS_EINVAL')
    call vs_lattice_memory_estimate(cell, frac, [0, 4, 4], bytes, dip, stat=st)
    call ok(st == VS_EINVAL, 'memory_estimate: L = 0 is VS_EINVAL')
    call opt%create()
    call opt%set(VS_LATTICE_OPT_MAX_MEMORY, 13439.0_c_double)
    call lat%create(cell, frac, [4, 4, 4], dip, opt=opt, stat=st)
    call ok(st == VS_ENOMEM .and. .not. lat%is_associated(), 'a peak above VS_LATTICE_OPT_MAX_MEMORY is VS_ENOMEM')
    call opt%set(VS_LATTICE_OPT_MAX_MEMORY, 13440.0_c_double)
    call vs_fftw_planner_lock()
    call vs_fftw_planner_lock()
    call lat%create(cell, frac, [4, 4, 4], dip, opt=opt, stat=st)
    call vs_fftw_planner_unlock()
    call vs_fftw_planner_unlock()
    call ok(st == VS_OK, 'a peak at the ceiling is accepted; creation while holding the (recursive) planner lock')
    call lat%free()
    call opt%free()
    call dip%free()
  end subroutine test_lattice_memory_estimate_and_planner_lock

  subroutine test_lattice_luttinger_tisza_min_dipolar_sc()
    type(vs_lattice_t) :: lat
    type(vs_coupling_t) :: dip
    type(vs_lattice_options_t) :: opt
    real(c_double), parameter :: pi = acos(-1.0_c_double), a = 1.7_c_double
    real(c_double) :: lmin, lmax, k(3)
    integer :: st
    call dip%create_dipolar()
    call lat%create_cubic(VS_LATTICE_SC, a, [2, 2, 2], dip, stat=st)
    call vs_lattice_luttinger_tisza_min(lat, lmin, k, stat=st)
    call lat%luttinger_tisza(lmax)
    call ok(st == VS_OK .and. lmin < 0.0_c_double .and. lmin < lmax, 'luttinger_tisza_min: lambda_min < 0 < lambda_max')
    call close_to(2.0_c_double * pi * lmin, -2.676788684_c_double, 1e-9_c_double, 0.0_c_double, &
                  'sc dipolar: 2 pi lambda_min = the Luttinger-Tisza lattice sum -2.676788684')
    call all_close(k, [0.0_c_double, pi / a, pi / a], 1e-12_c_double, 'sc dipolar: lambda_min at k = (0, pi, pi)/a')
    call lat%free()
    call vs_lattice_luttinger_tisza_min(lat, lmin, stat=st)
    call ok(st == VS_EINVAL, 'luttinger_tisza_min on a freed lattice: VS_EINVAL')
    call opt%create()
    call opt%set(VS_LATTICE_OPT_BOUNDARY, real(VS_LATTICE_OPEN, c_double))
    call lat%create_cubic(VS_LATTICE_SC, a, [2, 2, 2], dip, opt=opt)
    call vs_lattice_luttinger_tisza_min(lat, lmin, k, stat=st)
    call ok(st == VS_EUNSUPPORTED, 'luttinger_tisza_min of an open cluster: VS_EUNSUPPORTED')
    call opt%free()
    call dip%free()
    call lat%free()
  end subroutine test_lattice_luttinger_tisza_min_dipolar_sc

  subroutine test_lattice_open_cluster_and_bad_shapes()
    type(vs_lattice_t) :: lat
    type(vs_coupling_t) :: dip
    type(vs_lattice_options_t) :: opt
    real(c_double), allocatable :: s(:, :), h(:, :), hd(:, :), hre(:, :), bad(:, :)
    real(c_double) :: alpha, rcut, gcut, e
    integer :: st
    call dip%create_dipolar()
    call opt%create()
    call opt%set(VS_LATTICE_OPT_BOUNDARY, real(VS_LATTICE_OPEN, c_double))
    call lat%create_cubic(VS_LATTICE_SC, 1.0_c_double, [2, 2, 2], dip, opt=opt, stat=st)
    call opt%free()
    call dip%free()
    call ok(st == VS_OK, 'open sc cluster is created')
    call lat%ewald_parameters(alpha, rcut, gcut)
    call all_close([alpha, rcut, gcut], [0.0_c_double, 0.0_c_double, 0.0_c_double], 0.0_c_double, &
                   'open clusters report no Ewald parameters')
    call lat%fourier([0, 0, 0], hre, stat=st)
    call ok(st == VS_EUNSUPPORTED .and. .not. allocated(hre), 'fourier of an open cluster: VS_EUNSUPPORTED')
    call make_config(s, 3, 8)
    allocate (h(3, 8), hd(3, 8), bad(3, 7))
    call lat%fields(s, h)
    call lat%fields_direct(s, hd)
    call close_to(maxval(abs(h - hd)), 0.0_c_double, 0.0_c_double, 1e-10_c_double, 'open cluster: FFT fields = direct sum')
    call lat%fields(s, bad, st)
    call ok(st == VS_EINVAL, 'fields into an array of the wrong shape: VS_EINVAL (no overrun)')
    call lat%energy(bad, e, st)
    call ok(st == VS_EINVAL, 'energy of a configuration of the wrong shape: VS_EINVAL')
    call lat%set_onsite(eye(2), st)
    call ok(st == VS_EINVAL, 'an on-site matrix of the wrong shape: VS_EINVAL')
    call lat%free()
    call lat%energy(s, e, st)
    call ok(st == VS_EINVAL, 'energy on a freed lattice: VS_EINVAL')
  end subroutine test_lattice_open_cluster_and_bad_shapes

  subroutine test_sampler_parallel_tempering_and_queries()
    type(vs_lattice_t) :: lat
    type(vs_sampler_options_t) :: opt
    type(vs_sampler_t) :: smp
    real(c_double), allocatable :: s(:, :), bad(:, :)
    real(c_double) :: e, edirect, t, rate, lo, hi, v
    integer :: st, r
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call opt%create(st)
    call opt%set(VS_SAMPLER_OPT_OVERRELAX, 2.0_c_double, st)
    call opt%get(VS_SAMPLER_OPT_OVERRELAX, v)
    call ok(st == VS_OK .and. abs(v - 2.0_c_double) < 1e-300_c_double, 'sampler options set/get')
    call vs_sampler_option_bounds(VS_SAMPLER_OPT_MOVE, lo, hi, st)
    call ok(st == VS_OK .and. abs(lo) < 1e-300_c_double .and. abs(hi - 1.0_c_double) < 1e-300_c_double, &
            'vs_sampler_option_bounds of the move kind')
    call smp%create(lat, [0.5_c_double, 1.0_c_double, 2.0_c_double], 42_c_long, opt, st)
    call opt%free()
    call ok(st == VS_OK .and. smp%is_associated() .and. smp%nreplicas() == 3, 'sampler of 3 replicas is created')
    call smp%sweep(20, st)
    call ok(st == VS_OK, 'sampler sweeps')
    allocate (s(3, 27), bad(3, 26))
    do r = 1, 3
      call smp%spins(r, s)
      call smp%energy(r, e)
      call lat%energy_direct(s, edirect)
      call close_to(e, edirect, 1e-12_c_double, 1e-12_c_double, 'tracked energy = direct pair sum')
      call smp%temperature(r, t)
      call smp%acceptance(r, rate)
      call ok(rate > 0.0_c_double .and. rate <= 1.0_c_double, 'acceptance rate in (0, 1]')
    end do
    call ok(abs(t - 2.0_c_double) < 1e-300_c_double, 'slot 3 holds temperature t(3)')
    call smp%exchange_rate(1, rate, st)
    call ok(st == VS_OK .and. rate >= 0.0_c_double .and. rate <= 1.0_c_double, 'exchange rate of slots 1, 2')
    call smp%exchange_rate(3, rate, st)
    call ok(st == VS_EINVAL, 'exchange rate of slot nreplicas gives VS_EINVAL')
    call smp%set_spins(2, s, st)
    call smp%energy(2, e)
    call ok(st == VS_OK .and. abs(e - edirect) <= 1e-12_c_double * abs(edirect), 'set_spins then energy')
    s(1, 1) = 2.0_c_double
    call smp%set_spins(1, s, st)
    call ok(st == VS_EINVAL, 'set_spins refuses spins off the sphere')
    call smp%spins(1, bad, st)
    call ok(st == VS_EINVAL, 'spins with the wrong shape give VS_EINVAL')
    call smp%spins(0, s, st)
    call ok(st == VS_EINVAL, 'slot 0 gives VS_EINVAL (slots are 1-based)')
    call smp%free()
    call smp%create(lat, [1.0_c_double, 0.5_c_double], 1_c_long, stat=st)
    call ok(st == VS_EINVAL .and. .not. smp%is_associated(), 'an unsorted ladder gives VS_EINVAL')
    call lat%free()
  end subroutine test_sampler_parallel_tempering_and_queries

  ! ---- sampler observables (issue 11, since 1.1) ------------------------------------------------
  subroutine test_sampler_observables()
    use, intrinsic :: iso_c_binding, only: c_long_long
    type(vs_lattice_t) :: lat
    type(vs_sampler_t) :: smp
    real(c_double) :: sk(27), small(26), k(3), smax, v, e, tau, en, total
    integer(c_long_long) :: n
    integer :: st, i
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call smp%create(lat, [0.5_c_double, 1.0_c_double], 7_c_long, stat=st)
    call vs_sampler_structure_factor(smp, 1, sk, st)
    call ok(st == VS_ENUMERIC, 'structure factor before any measurement gives VS_ENUMERIC')
    en = 0.0_c_double
    do i = 1, 10
      call smp%sweep(1)
      call vs_sampler_measure(smp, st)
      call smp%energy(2, e)
      en = en + e / 27.0_c_double
    end do
    call vs_sampler_measurements(smp, n, st)
    call ok(st == VS_OK .and. n == 10_c_long_long, 'vs_sampler_measurements counts the measurements')
    call vs_sampler_observable(smp, 2, VS_SAMPLER_OBS_ENERGY, v, e, tau, st)
    call ok(st == VS_OK .and. abs(v - en / 10.0_c_double) <= 1e-12_c_double * abs(v) .and. e > 0.0_c_double &
            .and. tau > 0.0_c_double, 'energy per spin of slot 2 = the mean of the measured energies')
    call vs_sampler_observable(smp, 1, VS_SAMPLER_OBS_BINDER, v, stat=st)
    call ok(st == VS_OK, 'Binder cumulant of slot 1')
    call vs_sampler_structure_factor(smp, 1, sk, st)
    total = sum(sk)
    call ok(st == VS_OK .and. abs(total - 27.0_c_double) <= 1e-12_c_double * 27.0_c_double, &
            'sum of S(k) over the grid = N')
    call vs_sampler_structure_factor_peak(smp, 1, k, smax, st)
    call ok(st == VS_OK .and. abs(smax - maxval(sk)) <= 1e-12_c_double * smax, 'peak = max of S(k)')
    call vs_sampler_round_trips(smp, n, st)
    call ok(st == VS_OK .and. n >= 0_c_long_long, 'round trips')
    call vs_sampler_observable(smp, 0, VS_SAMPLER_OBS_ENERGY, v, stat=st)
    call ok(st == VS_EINVAL, 'observable of slot 0 gives VS_EINVAL (slots are 1-based)')
    call vs_sampler_observable(smp, 1, 0_c_int, v, stat=st)
    call ok(st == VS_EINVAL, 'unknown observable key gives VS_EINVAL')
    call vs_sampler_observable(smp, 1, VS_SAMPLER_OBS_SHEAR, v, stat=st)
    call ok(st == VS_EINVAL, 'shear key with ncomp = 3 gives VS_EINVAL')
    call vs_sampler_structure_factor(smp, 1, small, st)
    call ok(st == VS_EINVAL, 'structure factor into a too small array gives VS_EINVAL')
    call vs_sampler_structure_factor_peak(smp, 3, k, smax, st)
    call ok(st == VS_EINVAL, 'peak of slot 3 of 2 gives VS_EINVAL')
    call vs_sampler_reset_observables(smp, st)
    call vs_sampler_measurements(smp, n)
    call ok(st == VS_OK .and. n == 0_c_long_long, 'reset forgets the measurements')
    call smp%free()
    call vs_sampler_measure(smp, st)
    call ok(st == VS_EINVAL, 'measure of a freed sampler gives VS_EINVAL')
    call lat%free()
  end subroutine test_sampler_observables
  ! Checkpoint and restart (since 1.1): a sampler saved after 5 sweeps and loaded into one of another
  ! seed continues exactly as the original (spins compared bit for bit, without REAL ==); a path
  ! with trailing blanks names the trimmed file; bad paths give their status.
  subroutine test_sampler_checkpoint_resumes_the_chain()
    use, intrinsic :: iso_c_binding, only: c_long_long
    type(vs_lattice_t) :: lat
    type(vs_sampler_t) :: a, b
    real(c_double), allocatable :: sa(:, :), sb(:, :)
    character(len=512) :: dir, path
    integer(c_long_long) :: n
    integer :: st, r, u
    real(c_double), parameter :: t(3) = [0.5_c_double, 1.0_c_double, 2.0_c_double]
    call get_environment_variable('TMPDIR', dir, status=st)
    if (st /= 0 .or. len_trim(dir) == 0) dir = '/tmp'
    write (path, '(a, a, i0, a)') trim(dir), '/vs_fortran_resume_', getpid_of_test(), '.ckpt'
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call a%create(lat, t, 7_c_long, stat=st)
    call a%sweep(5, st)
    call vs_sampler_save(a, path, st) ! path has trailing blanks
    call ok(st == VS_OK, 'vs_sampler_save writes the checkpoint')
    call b%create(lat, t, 99_c_long, stat=st)
    call vs_sampler_load(b, trim(path), st)
    call vs_sampler_sweeps(b, n, st)
    call ok(st == VS_OK .and. n == 5_c_long_long, 'vs_sampler_load restores the sweep count')
    call a%sweep(3)
    call b%sweep(3)
    allocate (sa(3, 27), sb(3, 27))
    do r = 1, 3
      call a%spins(r, sa)
      call b%spins(r, sb)
      call ok(.not. any(abs(sa - sb) > 0.0_c_double), 'the resumed chain equals the original')
    end do
    call vs_sampler_load(b, trim(path)//'.missing', st)
    call ok(st == VS_EIO, 'loading a missing file gives VS_EIO')
    call vs_sampler_save(a, '', st)
    call ok(st == VS_EINVAL, 'saving to an empty path gives VS_EINVAL')
    call vs_sampler_sweeps(b, n, st)
    call ok(st == VS_OK .and. n == 8_c_long_long, 'a failed load leaves the sampler as it was')
    open (newunit=u, file=trim(path), status='old', iostat=st)
    if (st == 0) close (u, status='delete')
    call a%free()
    call b%free()
    call lat%free()
  end subroutine test_sampler_checkpoint_resumes_the_chain

  !> vs_sampler_config_export/import (since 1.1): slot 3's configuration of one sampler imported into
  !> slot 1 of another sampler of the same lattice gives the same spins and energy; bad input refused.
  subroutine test_sampler_config_moves_between_samplers()
    use, intrinsic :: iso_c_binding, only: c_int8_t
    type(vs_lattice_t) :: lat
    type(vs_sampler_t) :: a, b
    integer(c_int8_t), allocatable :: buf(:)
    real(c_double), allocatable :: sa(:, :), sb(:, :)
    integer(c_size_t) :: n
    real(c_double) :: ea, eb
    integer :: st
    real(c_double), parameter :: t(3) = [0.5_c_double, 1.0_c_double, 2.0_c_double]
    call make_dipolar_sc(lat, 1.0_c_double, 3, 1.0_c_double)
    call a%create(lat, t, 7_c_long, stat=st)
    call b%create(lat, t(1:1), 8_c_long, stat=st)
    call a%sweep(4)
    call vs_sampler_config_size(a, n, st)
    call ok(st == VS_OK .and. n == 8_c_size_t * (8 + 3 + 3 * 27 * 3 + 27), 'vs_sampler_config_size')
    allocate (buf(n), sa(3, 27), sb(3, 27))
    call vs_sampler_config_export(a, 3, buf, st)
    call ok(st == VS_OK, 'vs_sampler_config_export writes slot 3')
    call vs_sampler_config_import(b, 1, buf, st)
    call a%spins(3, sa)
    call b%spins(1, sb)
    call a%energy(3, ea)
    call b%energy(1, eb)
    call ok(st == VS_OK .and. .not. any(abs(sa - sb) > 0.0_c_double) .and. .not. abs(ea - eb) > 0.0_c_double, &
            'the imported configuration equals the exported one')
    call vs_sampler_config_export(a, 4, buf, st)
    call ok(st == VS_EINVAL, 'export of slot 4 of 3 gives VS_EINVAL')
    call vs_sampler_config_import(b, 1, buf(1:n - 1), st)
    call ok(st == VS_EINVAL, 'import of a short buffer gives VS_EINVAL')
    buf(1) = 0_c_int8_t
    call vs_sampler_config_import(b, 1, buf, st)
    call b%energy(1, eb)
    call ok(st == VS_EINVAL .and. .not. abs(ea - eb) > 0.0_c_double, &
            'import of a damaged tag gives VS_EINVAL, the sampler unchanged')
    call a%free()
    call b%free()
    call lat%free()
  end subroutine test_sampler_config_moves_between_samplers

  !> A number distinguishing concurrent runs of this test (the clock; gfortran has no portable getpid).
  integer function getpid_of_test()
    integer :: c
    call system_clock(c)
    getpid_of_test = c
  end function getpid_of_test

  subroutine test_lattice_elastic_kernel_six_components()
    type(vs_lattice_t) :: lat
    type(vs_coupling_t) :: c
    real(c_double), allocatable :: s(:, :), h(:, :), hd(:, :)
    real(c_double) :: e, ed
    integer :: st
    call make_reference_coupling(c)
    call lat%create_cubic(VS_LATTICE_SC, 1.0_c_double, [2, 2, 2], c, stat=st)
    call c%free()
    call ok(st == VS_OK .and. lat%ncomp() == 6 .and. lat%nsites() == 8, 'elastic-kernel lattice: 6 components, 8 sites')
    call make_config(s, 6, 8)
    allocate (h(6, 8), hd(6, 8))
    call lat%fields(s, h)
    call lat%fields_direct(s, hd)
    call close_to(maxval(abs(h - hd)), 0.0_c_double, 0.0_c_double, 1e-10_c_double, '6-component FFT fields = direct sum')
    call lat%energy(s, e)
    call lat%energy_direct(s, ed)
    call close_to(e, ed, 1e-10_c_double, 1e-12_c_double, '6-component energy by FFT = direct')
    call lat%free()
  end subroutine test_lattice_elastic_kernel_six_components

  ! ---- Fixed-size outputs (issue 10, since 1.1): the `_into` variants of the allocatable-output
  ! procedures take arrays of at least the needed shape, fill the leading part with the values of
  ! the allocatable original, and give VS_EINVAL for an array that is too small in any dimension.
  ! Both routes copy the same C results, so the values agree exactly: |a - b| <= 0 (written so, not
  ! as a == b, to keep -Wcompare-reals quiet).

  subroutine test_into_coupling_fixed_size_arrays()
    type(vs_coupling_t) :: c, dip
    real(c_double), allocatable :: ja(:, :), wa(:), va(:, :), aa(:, :, :)
    real(c_double) :: jf(6, 6), jl(8, 7), js(5, 6), wf(6), wl(9), ws(5), vf(6, 6), vs(6, 5)
    real(c_double) :: af(6, 6, 3), al(7, 6, 4), as(6, 6, 2), jd(3, 3), khat(3), erra, errf
    integer :: st
    call make_reference_coupling(c)
    khat = [0.6_c_double, 0.0_c_double, 0.8_c_double]
    call c%jtilde(khat, ja)
    call vs_coupling_jtilde_into(c, khat, jf, st)
    call ok(st == VS_OK .and. all(abs(jf - ja) <= 0.0_c_double), 'jtilde_into(j(6,6)) = jtilde (allocatable)')
    call vs_coupling_jtilde_into(c, khat, jl, st)
    call ok(st == VS_OK .and. all(abs(jl(1:6, 1:6) - ja) <= 0.0_c_double), &
            'jtilde_into fills the leading 6x6 part of j(8,7)')
    call vs_coupling_jtilde_into(c, khat, js, st)
    call ok(st == VS_EINVAL, 'jtilde_into with j(5,6): VS_EINVAL')
    call vs_coupling_jtilde_into(c, khat, jl(1:6, 1:5), st)
    call ok(st == VS_EINVAL, 'jtilde_into with a 6x5 section: VS_EINVAL')

    call c%average(ja, erra)
    call vs_coupling_average_into(c, jf, errf, st)
    call ok(st == VS_OK .and. all(abs(jf - ja) <= 0.0_c_double) .and. abs(errf - erra) <= 0.0_c_double, &
            'average_into(jbar(6,6), abserr) = average')
    call vs_coupling_average_into(c, jl, stat=st)
    call ok(st == VS_OK .and. all(abs(jl(1:6, 1:6) - ja) <= 0.0_c_double), &
            'average_into fills the leading part of jbar(8,7)')
    call vs_coupling_average_into(c, js, stat=st)
    call ok(st == VS_EINVAL, 'average_into with jbar(5,6): VS_EINVAL')

    call c%average_eigen(wa, va)
    call vs_coupling_average_eigen_into(c, wf, vf, st)
    call ok(st == VS_OK .and. all(abs(wf - wa) <= 0.0_c_double) .and. all(abs(vf - va) <= 0.0_c_double), &
            'average_eigen_into(w(6), v(6,6)) = average_eigen')
    wf = 0.0_c_double
    call vs_coupling_average_eigen_into(c, w=wf, stat=st)
    call ok(st == VS_OK .and. all(abs(wf - wa) <= 0.0_c_double), 'average_eigen_into with w only')
    vf = 0.0_c_double
    call vs_coupling_average_eigen_into(c, v=vf, stat=st)
    call ok(st == VS_OK .and. all(abs(vf - va) <= 0.0_c_double), 'average_eigen_into with v only')
    call vs_coupling_average_eigen_into(c, wl, stat=st)
    call ok(st == VS_OK .and. all(abs(wl(1:6) - wa) <= 0.0_c_double), 'average_eigen_into fills w(1:6) of w(9)')
    call vs_coupling_average_eigen_into(c, ws, vf, st)
    call ok(st == VS_EINVAL, 'average_eigen_into with w(5): VS_EINVAL')
    call vs_coupling_average_eigen_into(c, wf, vs, st)
    call ok(st == VS_EINVAL, 'average_eigen_into with v(6,5): VS_EINVAL')

    call c%harmonics(khat, aa)
    call vs_coupling_harmonics_into(c, khat, af, st)
    call ok(st == VS_OK .and. all(shape(aa) == [6, 6, 3]) .and. all(abs(af - aa) <= 0.0_c_double), &
            'harmonics_into(a(6,6,3)) = harmonics (lmax = 4)')
    call vs_coupling_harmonics_into(c, khat, al, st)
    call ok(st == VS_OK .and. all(abs(al(1:6, 1:6, 1:3) - aa) <= 0.0_c_double), &
            'harmonics_into fills the leading part of a(7,6,4)')
    call vs_coupling_harmonics_into(c, khat, as, st)
    call ok(st == VS_EINVAL, 'harmonics_into with a(6,6,2) (lmax/2 + 1 = 3 needed): VS_EINVAL')

    call c%average_quadrature(1e-8_c_double, ja, erra)
    call vs_coupling_average_quadrature_into(c, 1e-8_c_double, jf, errf, st)
    call ok(st == VS_OK .and. all(abs(jf - ja) <= 1e-14_c_double) .and. abs(errf - erra) <= 1e-14_c_double, &
            'average_quadrature_into(jbar(6,6), abserr) = average_quadrature')
    call vs_coupling_average_quadrature_into(c, 1e-8_c_double, js, stat=st)
    call ok(st == VS_EINVAL, 'average_quadrature_into with jbar(5,6): VS_EINVAL')

    ! n = 3: a 6x6 array is larger than needed, a 3x3 one is exact.
    call dip%create_dipolar()
    call dip%jtilde(khat, ja)
    call vs_coupling_jtilde_into(dip, khat, jd, st)
    call ok(st == VS_OK .and. all(abs(jd - ja) <= 0.0_c_double), 'dipolar jtilde_into(j(3,3)) = jtilde')
    call vs_coupling_jtilde_into(dip, khat, jf, st)
    call ok(st == VS_OK .and. all(abs(jf(1:3, 1:3) - ja) <= 0.0_c_double), &
            'dipolar jtilde_into fills j(1:3, 1:3) of j(6,6)')
    call dip%free()
    call c%free()
    call vs_coupling_average_eigen_into(c, wf, vf, st)
    call ok(st == VS_EINVAL, 'average_eigen_into on a freed handle: VS_EINVAL (from the C library)')
  end subroutine test_into_coupling_fixed_size_arrays

  subroutine test_into_meanfield_fixed_size_arrays()
    type(vs_meanfield_t) :: mf
    real(c_double), allocatable :: ja(:), va(:, :), ha(:), ma(:), ga(:, :), mca(:, :), msa(:, :)
    integer(c_int), allocatable :: pa(:, :)
    real(c_double) :: jf(6), jl(8), js(5), vf(6, 6), vs(5, 6), hf(6), mf6(6), ms5(5), ra, rf
    real(c_double) :: hc(3), hs(4), gf(3, 4), gl(5, 5), gs(2, 4), temps(2), ratio(3)
    real(c_double) :: mcf(2, 3), msf(2, 3), mcs(2, 2), mcl(4, 4)
    integer(c_int) :: pf(2, 3), pl(3, 4), ps(1, 3)
    integer :: ia, icf, st
    real(c_double), parameter :: temp = 0.1_c_double
    call mf%create_compr_shear(1.0_c_double, 0.5_c_double)
    call mf%couplings(ja, va, ia)
    call vs_meanfield_couplings_into(mf, jf, vf, icf, st)
    call ok(st == VS_OK .and. all(abs(jf - ja) <= 0.0_c_double) .and. all(abs(vf - va) <= 0.0_c_double) .and. &
            icf == ia, &
            'couplings_into(j(6), v(6,6), icompr) = couplings')
    call vs_meanfield_couplings_into(mf, j=jl, stat=st)
    call ok(st == VS_OK .and. all(abs(jl(1:6) - ja) <= 0.0_c_double), 'couplings_into fills j(1:6) of j(8)')
    call vs_meanfield_couplings_into(mf, js, stat=st)
    call ok(st == VS_EINVAL, 'couplings_into with j(5): VS_EINVAL')
    call vs_meanfield_couplings_into(mf, v=vs, stat=st)
    call ok(st == VS_EINVAL, 'couplings_into with v(5,6): VS_EINVAL')

    call mf%solve(temp, ha, ma, ra)
    call vs_meanfield_solve_into(mf, temp, hf, mf6, rf, st)
    call ok(st == VS_OK .and. all(abs(hf - ha) <= 0.0_c_double) .and. &
            all(abs(mf6 - ma) <= 0.0_c_double) .and. abs(rf - ra) <= 0.0_c_double, &
            'solve_into(h(6), m(6)) = solve')
    call vs_meanfield_solve_into(mf, temp, m=ms5, stat=st)
    call ok(st == VS_EINVAL, 'solve_into with m(5): VS_EINVAL')

    hc = [0.0_c_double, 0.5_c_double, 1.0_c_double]
    hs = [0.0_c_double, 0.2_c_double, 0.4_c_double, 0.8_c_double]
    call mf%landscape(temp, hc, hs, ga)
    call vs_meanfield_landscape_into(mf, temp, hc, hs, gf, st)
    call ok(st == VS_OK .and. all(abs(gf - ga) <= 0.0_c_double), 'landscape_into(g(3,4)) = landscape')
    call vs_meanfield_landscape_into(mf, temp, hc, hs, gl, st)
    call ok(st == VS_OK .and. all(abs(gl(1:3, 1:4) - ga) <= 0.0_c_double), &
            'landscape_into fills the leading part of g(5,5)')
    call vs_meanfield_landscape_into(mf, temp, hc, hs, gs, st)
    call ok(st == VS_EINVAL, 'landscape_into with g(2,4): VS_EINVAL')
    call mf%free()

    temps = [0.05_c_double, 0.5_c_double]
    ratio = [0.5_c_double, 1.0_c_double, 2.0_c_double]
    call vs_meanfield_phase_diagram(1.0_c_double, temps, ratio, pa, mca, msa)
    call vs_meanfield_phase_diagram_into(1.0_c_double, temps, ratio, pf, mcf, msf, st)
    call ok(st == VS_OK .and. all(pf == pa) .and. all(abs(mcf - mca) <= 0.0_c_double) .and. &
            all(abs(msf - msa) <= 0.0_c_double), &
            'phase_diagram_into(phase(2,3), mc, ms) = phase_diagram')
    call vs_meanfield_phase_diagram_into(1.0_c_double, temps, ratio, pl, mcl, stat=st)
    call ok(st == VS_OK .and. all(pl(1:2, 1:3) == pa) .and. all(abs(mcl(1:2, 1:3) - mca) <= 0.0_c_double), &
            'phase_diagram_into fills the leading part of phase(3,4), mc(4,4)')
    call vs_meanfield_phase_diagram_into(1.0_c_double, temps, ratio, ps, stat=st)
    call ok(st == VS_EINVAL, 'phase_diagram_into with phase(1,3): VS_EINVAL')
    call vs_meanfield_phase_diagram_into(1.0_c_double, temps, ratio, pf, ms=mcs, stat=st)
    call ok(st == VS_EINVAL, 'phase_diagram_into with ms(2,2): VS_EINVAL')
  end subroutine test_into_meanfield_fixed_size_arrays

  subroutine test_into_lattice_fixed_size_arrays()
    type(vs_lattice_t) :: lat
    real(c_double), allocatable :: ra(:, :), ta(:, :), hra(:, :), hia(:, :)
    real(c_double) :: rf(3, 8), rl(4, 10), rs(3, 7), rs2(2, 8), tf(3, 3), tl(4, 4), ts(2, 3)
    real(c_double) :: hrf(3, 3), hif(3, 3), hrl(6, 5), his(3, 2)
    integer :: st
    call make_dipolar_sc(lat, 1.0_c_double, 2, 1.0_c_double)
    call lat%positions(ra)
    call vs_lattice_positions_into(lat, rf, st)
    call ok(st == VS_OK .and. all(abs(rf - ra) <= 0.0_c_double), 'positions_into(r(3,8)) = positions')
    call vs_lattice_positions_into(lat, rl, st)
    call ok(st == VS_OK .and. all(abs(rl(1:3, 1:8) - ra) <= 0.0_c_double), &
            'positions_into fills r(1:3, 1:8) of r(4,10) (non-contiguous)')
    call vs_lattice_positions_into(lat, rs, st)
    call ok(st == VS_EINVAL, 'positions_into with r(3,7): VS_EINVAL')
    call vs_lattice_positions_into(lat, rs2, st)
    call ok(st == VS_EINVAL, 'positions_into with r(2,8): VS_EINVAL')

    call lat%coupling(1, 2, ta)
    call vs_lattice_coupling_into(lat, 1, 2, tf, st)
    call ok(st == VS_OK .and. all(abs(tf - ta) <= 0.0_c_double), 'coupling_into(t(3,3)) = coupling')
    call vs_lattice_coupling_into(lat, 1, 2, tl, st)
    call ok(st == VS_OK .and. all(abs(tl(1:3, 1:3) - ta) <= 0.0_c_double), &
            'coupling_into fills the leading part of t(4,4)')
    call vs_lattice_coupling_into(lat, 1, 2, ts, st)
    call ok(st == VS_EINVAL, 'coupling_into with t(2,3): VS_EINVAL')
    call vs_lattice_coupling_into(lat, 0, 2, tf, st)
    call ok(st == VS_EINVAL, 'coupling_into with site 0: VS_EINVAL')

    call lat%fourier([1, 0, 1], hra, hia)
    call vs_lattice_fourier_into(lat, [1, 0, 1], hrf, hif, st)
    call ok(st == VS_OK .and. all(abs(hrf - hra) <= 0.0_c_double) .and. all(abs(hif - hia) <= 0.0_c_double), &
            'fourier_into(hre(3,3), him(3,3)) = fourier')
    call vs_lattice_fourier_into(lat, [1, 0, 1], hrl, stat=st)
    call ok(st == VS_OK .and. all(abs(hrl(1:3, 1:3) - hra) <= 0.0_c_double), &
            'fourier_into fills the leading part of hre(6,5)')
    call vs_lattice_fourier_into(lat, [1, 0, 1], hrf, his, st)
    call ok(st == VS_EINVAL, 'fourier_into with him(3,2): VS_EINVAL')
    call lat%free()
    call vs_lattice_positions_into(lat, rf, st)
    call ok(st == VS_EINVAL, 'positions_into on a freed lattice: VS_EINVAL')
  end subroutine test_into_lattice_fixed_size_arrays

end program test_fortran_bindings
